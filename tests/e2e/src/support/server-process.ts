import { ServerProcess } from '@gpu-shopper/test-support';

export type { ServerProcess };

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

export interface E2eServerOptions {
  /** Extra environment (provider keys, *_BASE_URL, intervals…). Nothing is inherited but PATH and HOME. */
  readonly env?: Readonly<Record<string, string>>;
  /** Reuse a data directory (a restart keeps the database and the encryption key). */
  readonly dataDir?: string;
  /** The admin token; `null` starts the server without one (protected mode: local requests act as admin). @default ADMIN_TOKEN */
  readonly adminToken?: string | null;
}

/**
 * The built server as these suites run it: with the admin token unless told otherwise, the caller's
 * HOME, and debug logs (the secret scans read every line).
 */
export function startServer(options: E2eServerOptions = {}): Promise<ServerProcess> {
  return ServerProcess.start({
    home: 'inherit',
    logLevel: 'debug',
    ...(options.env ? { env: options.env } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.adminToken === null ? {} : { adminToken: options.adminToken ?? ADMIN_TOKEN }),
  });
}
