import type { APIPromise } from '../core/api-promise.js';
import { APIResource } from '../core/resource.js';
import { path } from '../internal/path.js';
import { pickRequestOptions, type RequestOptions } from '../internal/request-options.js';
import type { Provider } from './shared.js';

/** One host requirement of a template, as the vendor publishes it (`cuda_max_good` ≥ 12.4). */
export interface TemplateRequirement {
  /** The vendor's host property (`cuda_max_good`, `gpu_total_ram`…). */
  key: string;
  /** The comparison. */
  op: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'notin';
  /** The value compared against. */
  value: unknown;
  /** False for properties offers do not carry: shown, not matched. */
  checked: boolean;
}

/** A Vast.ai launch template, in the vendor's field names. */
export interface Template {
  /** The provider (only `vastai` has templates). */
  provider: Provider;
  /** The vendor's numeric id. */
  id: number;
  /** Pass as `template_hash_id` to `inventory.list()` and `sessions.create()`. */
  hash_id: string;
  /** Display name. */
  name: string;
  /** Docker image. */
  image: string;
  /** Image tag. */
  tag: string | null;
  /** Docker-flag style options: `-e KEY=value -p 8000:8000`. */
  env: string | null;
  /** Shell run when the instance starts. */
  onstart: string | null;
  /** Launch mode (`ssh_proxy`, `args`, `jupyter_direct`…). */
  runtype: string | null;
  /** Arguments passed to the entrypoint. */
  args_str: string | null;
  /** Whether the template offers SSH access. */
  use_ssh: boolean;
  /** Whether SSH is direct rather than proxied. */
  ssh_direct: boolean;
  /** On the vendor's recommended list. */
  recommended: boolean;
  /** Disk it needs, in GB. */
  recommended_disk_space: number | null;
  /** The host requirements as published (JSON). */
  extra_filters: string | null;
  /** The host requirements, read. */
  requirements: TemplateRequirement[];
  /** Who made it. */
  creator_id: number | null;
  /** When it was made (ISO 8601, UTC). */
  created_at: string | null;
  /** Instances created from it. */
  count_created: number | null;
}

/** Filters of `templates.list()`. */
export interface TemplateListParams {
  /** Only recommended (true) or only other (false) templates. */
  recommended?: boolean;
  /** Only templates with SSH (true) or without (false). */
  use_ssh?: boolean;
  /** Case-insensitive substring of the name. */
  name?: string;
  /** Case-insensitive substring of the image. */
  image?: string;
}

/** The answer of `templates.list()`. */
export interface TemplateListResponse {
  /** Matching templates. */
  templates: Template[];
  /** How many. */
  count: number;
}

/** The answer of `templates.compatibleWith()`. */
export interface CompatibleTemplatesResponse {
  /** The offer. */
  offer_id: string;
  /** Its provider. */
  provider: Provider;
  /** Its GPU SKU. */
  gpu_type: string;
  /** VRAM per GPU, GB. */
  vram_gb: number;
  /** The host's highest CUDA version, when known. */
  cuda_version: string | null;
  /** Templates whose requirements the host meets. */
  compatible_templates: Template[];
  /** How many. */
  count: number;
  /** Why the list is empty when the provider has no templates. */
  note?: string;
}

/** Vast.ai launch templates: `GET /api/v1/templates`. */
export class Templates extends APIResource {
  /**
   * Lists templates (Vast's recommended set), filtered.
   *
   * @example
   * const { templates } = await client.templates.list({ name: 'vllm', use_ssh: true });
   */
  list(query: TemplateListParams = {}, options?: RequestOptions): APIPromise<TemplateListResponse> {
    return this._client.request<TemplateListResponse>({ ...pickRequestOptions(options), method: 'get', path: '/api/v1/templates', query });
  }

  /** One template by hash id; `NotFoundError` when there is none. */
  retrieve(hashId: string, options?: RequestOptions): APIPromise<Template> {
    return this._client.request<Template>({ ...pickRequestOptions(options), method: 'get', path: path`/api/v1/templates/${hashId}` });
  }

  /** The templates an offer's host can run (empty, with a note, for providers without templates). */
  compatibleWith(offerId: string, options?: RequestOptions): APIPromise<CompatibleTemplatesResponse> {
    return this._client.request<CompatibleTemplatesResponse>({ ...pickRequestOptions(options), method: 'get', path: path`/api/v1/inventory/${offerId}/compatible-templates` });
  }
}
