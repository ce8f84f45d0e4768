import { type InventoryResponse, type Template, type TemplateListResponse } from '@gpu-shopper/client';

import { useCliWorld } from './test-support/cli-world.js';
import { jsonOf, type CliResult } from './test-support/run-cli.js';

const ADMIN_TOKEN = 'cli-templates-admin-token-0123456789abcdef';
const VLLM = 'a4d2a0b85ae6719c0906ff66e7b3b434';

/** `templates list|get` and `inventory --template` of the built binary against the built server in simulate mode (the simulated Vast catalogue). */
describe('gpu-shopper templates (built binary, simulate mode)', () => {
  const world = useCliWorld('templates', ADMIN_TOKEN);
  const cli = (args: string[]): Promise<CliResult> => world().cli(args);
  const json = jsonOf;

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
    const all = await world().admin.inventory.list({ provider: 'vastai' });
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
