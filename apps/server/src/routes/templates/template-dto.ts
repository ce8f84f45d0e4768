import { type TemplateDto } from '@gpu-shopper/contract';
import { type VendorTemplate } from '@gpu-shopper/core';

export function templateToDto(t: VendorTemplate): TemplateDto {
  return {
    provider: t.provider,
    id: t.id,
    hash_id: t.hashId,
    name: t.name,
    image: t.image,
    tag: t.tag,
    env: t.env,
    onstart: t.onStart,
    runtype: t.runtype,
    args_str: t.argsStr,
    use_ssh: t.useSsh,
    ssh_direct: t.sshDirect,
    recommended: t.recommended,
    recommended_disk_space: t.recommendedDiskGb,
    extra_filters: t.extraFilters,
    requirements: t.requirements.map((r) => ({ key: r.key, op: r.op, value: r.value, checked: r.property !== 'unmapped' })),
    creator_id: t.creatorId,
    created_at: t.createdAt === null ? null : t.createdAt.toISOString(),
    count_created: t.countCreated,
  };
}
