import { GpuShopper } from '@gpu-shopper/client';

/** Where the sign-in keeps the credential: this tab only, gone when it closes. */
export const CREDENTIAL_KEY = 'gpu-shopper.credential';

export function readCredential(storage: Storage = sessionStorage): string | null {
  const value = storage.getItem(CREDENTIAL_KEY);
  return value && value.trim() !== '' ? value.trim() : null;
}

export function writeCredential(value: string | null, storage: Storage = sessionStorage): void {
  if (value === null) storage.removeItem(CREDENTIAL_KEY);
  else storage.setItem(CREDENTIAL_KEY, value.trim());
}

/**
 * The SDK, pointed at the server that served this page (same origin, so the CSP's `connect-src 'self'`
 * holds and protected mode sees a loopback Origin when the page came from loopback). Without a
 * credential the server decides: protected mode treats a local browser as admin, otherwise it answers 401.
 */
export function createClient(apiKey: string | null, origin: string = window.location.origin): GpuShopper {
  return new GpuShopper({
    baseURL: origin,
    apiKey,
    // Browsers throw "Illegal invocation" when fetch is called as a method of another object.
    fetch: (input, init) => globalThis.fetch(input, init),
    logLevel: 'off',
    maxRetries: 1,
    timeout: 30_000,
  });
}

/** The message of an SDK error (its server message and code), or of anything else thrown. */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object') {
    const body = (error as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof body?.message === 'string') return typeof body.code === 'string' ? `${body.message} (${body.code})` : body.message;
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return String(error);
}

/** The HTTP status of an SDK error, when it has one. */
export function errorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
