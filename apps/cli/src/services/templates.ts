import type { GpuShopper, Template, TemplateListParams, TemplateListResponse } from '@gpu-shopper/client';

import { renderFields, renderTable } from '../output.js';

export interface TemplateListOptions {
  readonly recommended?: boolean | undefined;
  readonly useSsh?: boolean | undefined;
  readonly name?: string | undefined;
  readonly image?: string | undefined;
}

export function listTemplates(client: GpuShopper, options: TemplateListOptions): Promise<TemplateListResponse> {
  const query: TemplateListParams = {};
  if (options.recommended !== undefined) query.recommended = options.recommended;
  if (options.useSsh !== undefined) query.use_ssh = options.useSsh;
  if (options.name) query.name = options.name;
  if (options.image) query.image = options.image;
  return client.templates.list(query);
}

/** `cuda_max_good ≥ 12.4, gpu_total_ram > 21000`: what a host needs, in the vendor's terms. */
export function describeRequirements(template: Template): string {
  const ops: Record<string, string> = { eq: '=', neq: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=', in: 'in', notin: 'not in' };
  return template.requirements.map((r) => `${r.key} ${ops[r.op] ?? r.op} ${JSON.stringify(r.value)}`).join(', ') || '-';
}

const imageOf = (t: Template): string => (t.tag ? `${t.image}:${t.tag}` : t.image);

export function renderTemplates(response: TemplateListResponse): string {
  if (response.templates.length === 0) return 'No templates match.\n';
  const rows = response.templates.map((t) => [t.hash_id, t.name, imageOf(t), t.use_ssh ? 'yes' : 'no', t.recommended_disk_space === null ? '-' : `${t.recommended_disk_space}GB`, describeRequirements(t)]);
  return `${renderTable(['HASH ID', 'NAME', 'IMAGE', 'SSH', 'DISK', 'REQUIRES'], rows)}\nTotal: ${response.count} template${response.count === 1 ? '' : 's'}\n`;
}

export function renderTemplate(t: Template): string {
  return `${renderFields([
    ['Hash ID', t.hash_id],
    ['Name', t.name],
    ['Image', imageOf(t)],
    ['Provider', t.provider],
    ['Recommended', t.recommended ? 'yes' : 'no'],
    ['SSH', t.use_ssh ? (t.ssh_direct ? 'yes (direct)' : 'yes') : 'no'],
    ['Run type', t.runtype ?? '-'],
    ['Disk', t.recommended_disk_space === null ? '-' : `${t.recommended_disk_space} GB`],
    ['Requires', describeRequirements(t)],
    ['Docker options', t.env || '-'],
    ['On start', t.onstart || '-'],
  ])}\nUse it: gpu-shopper inventory --template ${t.hash_id}   (only hosts that can run it)\n`;
}
