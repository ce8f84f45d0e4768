import { z } from 'zod';

import { providerSchema, queryString, timestampSchema } from './common.js';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
/** `true`/`false` only: a typo like `recommended=yes` is a 400, not silently "no filter". */
const queryBoolean = () => z.preprocess(emptyToUndefined, z.enum(['true', 'false']).transform((v) => v === 'true').optional());

export const templateRequirementSchema = z.object({
  key: z.string().meta({ description: "The vendor's host property (`cuda_max_good`, `gpu_total_ram`…)" }),
  op: z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'notin']),
  value: z.unknown(),
  checked: z.boolean().meta({ description: 'False for properties offers do not carry: shown, not matched (as the vendor ignores them on hosts that lack them)' }),
});

/** A Vast.ai launch template, in the vendor's own field names. */
export const templateSchema = z
  .object({
    provider: providerSchema,
    id: z.number().int(),
    hash_id: z.string().meta({ description: 'Pass as `template_hash_id` to the inventory and to session creation' }),
    name: z.string(),
    image: z.string(),
    tag: z.string().nullable(),
    env: z.string().nullable().meta({ description: 'Docker-flag style: `-e KEY=value -p 8000:8000`' }),
    onstart: z.string().nullable(),
    runtype: z.string().nullable(),
    args_str: z.string().nullable(),
    use_ssh: z.boolean(),
    ssh_direct: z.boolean(),
    recommended: z.boolean(),
    recommended_disk_space: z.number().nullable().meta({ description: 'GB' }),
    extra_filters: z.string().nullable().meta({ description: 'The host requirements as the vendor publishes them (JSON)' }),
    requirements: z.array(templateRequirementSchema),
    creator_id: z.number().nullable(),
    created_at: timestampSchema.nullable(),
    count_created: z.number().nullable(),
  })
  .meta({ id: 'Template' });
export type TemplateDto = z.infer<typeof templateSchema>;

export const templateListQuerySchema = z
  .object({
    recommended: queryBoolean().meta({ description: 'Only recommended (true) or only other (false) templates' }),
    use_ssh: queryBoolean().meta({ description: 'Only templates with SSH access (true) or without (false)' }),
    name: queryString().meta({ description: 'Case-insensitive substring of the name' }),
    image: queryString().meta({ description: 'Case-insensitive substring of the image' }),
  })
  .strict();
export type TemplateListQuery = z.infer<typeof templateListQuerySchema>;

export const templateListResponseSchema = z
  .object({ templates: z.array(templateSchema), count: z.number().int() })
  .meta({ id: 'TemplateListResponse' });
export type TemplateListResponse = z.infer<typeof templateListResponseSchema>;

export const compatibleTemplatesResponseSchema = z
  .object({
    offer_id: z.string(),
    provider: providerSchema,
    gpu_type: z.string(),
    vram_gb: z.number(),
    cuda_version: z.string().nullable(),
    compatible_templates: z.array(templateSchema),
    count: z.number().int(),
    note: z.string().optional().meta({ description: 'Why the list is empty when the provider has no templates' }),
  })
  .meta({ id: 'CompatibleTemplatesResponse' });
export type CompatibleTemplatesResponse = z.infer<typeof compatibleTemplatesResponseSchema>;
