import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { GpuShopper, type InventoryResponse, type Template, type TemplateListResponse } from '@gpu-shopper/client';

import { runCli, type CliResult } from './test-support/run-cli.js';
import { ServerProcess } from './test-support/server-process.js';

const ADMIN_TOKEN = 'cli-templates-admin-token-0123456789abcdef';
const VLLM = 'a4d2a0b85ae6719c0906ff66e7b3b434';

/** `templates list|get` and `inventory --template` of the built binary against the built server in simulate mode (the simulated Vast catalogue). */
describe('gpu-shopper templates (built binary, simulate mode)', () => {
  let server: ServerProcess;
  let admin: GpuShopper;
  let work: string;
  let env: Record<string, string>;

  const cli = (args: string[]): Promise<CliResult> => runCli(args, { env, cwd: work });
  const json = <T>(result: CliResult): T => {
    if (result.code !== 0) throw new Error(`exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };

  beforeAll(async () => {
    server = await ServerProcess.start({ GPU_SHOPPER_ADMIN_TOKEN: ADMIN_TOKEN });
    admin = new GpuShopper({ baseURL: server.url, apiKey: ADMIN_TOKEN, maxRetries: 0 });
    work = await mkdtemp(path.join(tmpdir(), 'gpushop-cli-templates-'));
    env = { HOME: work, GPU_SHOPPER_URL: server.url, GPU_SHOPPER_API_KEY: ADMIN_TOKEN };
  });

  afterAll(async () => {
    await server?.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('templates list prints the recommended set with requirements; -o json and the filters work', async () => {
    const table = await cli(['templates', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^HASH ID\s+NAME\s+IMAGE\s+SSH\s+DISK\s+REQUIRES/);
    expect(table.stdout).toContain(VLLM);
    expect(table.stdout).toContain('cuda_max_good >= 12.4');
    const listed = json<TemplateListResponse>(await cli(['templates', 'list', '--name', 'VLLM', '--use-ssh', 'true', '-o', 'json']));
    expect(listed.templates.map((t) => t.hash_id)).toEqual([VLLM]);
    expect(listed.count).toBe(1);
  });

  it('templates get shows one template, and an unknown hash fails with a one-line error', async () => {
    const shown = await cli(['templates', 'get', VLLM]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('vllm/vllm-openai:latest');
    expect(json<Template>(await cli(['templates', 'get', VLLM, '-o', 'json'])).name).toBe('vLLM');
    const missing = await cli(['templates', 'get', 'ffffffffffffffffffffffffffffffff']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('template ffffffffffffffffffffffffffffffff not found');
  });

  it('inventory --template keeps only Vast hosts that meet the template, and an unknown hash is an error, not every offer', async () => {
    const all = await admin.inventory.list({ provider: 'vastai' });
    const narrowed = json<InventoryResponse>(await cli(['inventory', '--template', VLLM, '-o', 'json']));
    expect(narrowed.offers.length).toBeGreaterThan(0);
    expect(narrowed.offers.length).toBeLessThan(all.offers.length);
    for (const offer of narrowed.offers) {
      expect(offer.provider).toBe('vastai');
      expect(Number(offer.cuda_version)).toBeGreaterThanOrEqual(12.4);
      expect(offer.vram_gb * offer.gpu_count * 1024).toBeGreaterThan(21000);
    }
    const unknown = await cli(['inventory', '--template-hash-id', 'nope']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('template nope not found');
  });
});
