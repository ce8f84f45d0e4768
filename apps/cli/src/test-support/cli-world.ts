import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { GpuShopper } from '@gpu-shopper/client';
import { ServerProcess } from '@gpu-shopper/test-support';

import { runCli, type CliResult } from './run-cli.js';

/**
 * The built binary against the built server in simulate mode, as the admin, in an empty home and
 * working directory: what the CLI suites that drive the server through the binary start from.
 */
export class CliWorld {
  private constructor(
    readonly server: ServerProcess,
    /** The SDK as the admin, to set up and check what the binary did. */
    readonly admin: GpuShopper,
    /** HOME and working directory of every run. */
    readonly work: string,
    readonly env: Readonly<Record<string, string>>,
  ) {}

  static async start(name: string, adminToken: string): Promise<CliWorld> {
    const server = await ServerProcess.start({ adminToken });
    const admin = new GpuShopper({ baseURL: server.url, apiKey: adminToken, maxRetries: 0 });
    const work = await mkdtemp(path.join(tmpdir(), `gpushop-cli-${name}-`));
    return new CliWorld(server, admin, work, { HOME: work, GPU_SHOPPER_URL: server.url, GPU_SHOPPER_API_KEY: adminToken });
  }

  cli(args: readonly string[], extra: { env?: Readonly<Record<string, string>>; input?: string; cwd?: string } = {}): Promise<CliResult> {
    return runCli(args, { env: { ...this.env, ...extra.env }, cwd: extra.cwd ?? this.work, ...(extra.input !== undefined ? { input: extra.input } : {}) });
  }

  async dispose(): Promise<void> {
    await this.server.dispose();
    await rm(this.work, { recursive: true, force: true });
  }
}

/**
 * One CliWorld for a describe block: started before its tests, disposed after. Returns the world's
 * getter (the world exists only once beforeAll has run).
 */
export function useCliWorld(name: string, adminToken: string): () => CliWorld {
  let world: CliWorld | undefined;
  beforeAll(async () => {
    world = await CliWorld.start(name, adminToken);
  });
  afterAll(async () => {
    await world?.dispose();
  });
  return () => {
    if (!world) throw new Error('the CLI world is not started yet (use it inside a test or hook)');
    return world;
  };
}
