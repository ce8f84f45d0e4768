import { NotFoundError, UnsupportedByProviderError } from '../errors/domain-errors.js';
import { Err, Ok, type Result } from '../errors/result.js';
import { type Offer } from '../inventory/offer.js';
import { noopLogger, type Logger } from '../logging/logger.js';
import { type ProviderAdapter } from '../ports/provider-adapter.js';
import { type ProviderError } from '../ports/provider-errors.js';
import { type Clock } from '../time/clock.js';
import { filterTemplates, offerSatisfiesTemplate, type TemplateFilter, type VendorTemplate } from './vendor-template.js';

export interface TemplateServiceOptions {
  readonly providers: readonly ProviderAdapter[];
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Templates change rarely: the catalogue is kept this long. @default 1 h */
  readonly cacheTtlMs?: number;
}

export type TemplateError = ProviderError | UnsupportedByProviderError | NotFoundError;

interface Entry {
  templates: VendorTemplate[] | null;
  fetchedAtMs: number;
  inflight: Promise<Result<VendorTemplate[], ProviderError>> | null;
}

/**
 * Vendor launch templates (only Vast.ai has them): the recommended catalogue, cached, and the
 * compatibility of offers with a template (its CUDA and VRAM requirements). An unknown hash is an
 * error, never "no constraint": a typo must not widen a query to every offer.
 */
export class TemplateService {
  private readonly entries = new Map<string, Entry>();
  private readonly logger: Logger;

  constructor(private readonly options: TemplateServiceOptions) {
    this.logger = (options.logger ?? noopLogger).child({ component: 'templates' });
  }

  private get sources(): ProviderAdapter[] {
    return this.options.providers.filter((p) => p.capabilities.templates && typeof p.listTemplates === 'function');
  }

  /** True when some configured provider offers templates. */
  get available(): boolean {
    return this.sources.length > 0;
  }

  async list(filter: TemplateFilter = {}): Promise<Result<VendorTemplate[], TemplateError>> {
    const sources = this.sources;
    if (sources.length === 0) return Err(new UnsupportedByProviderError('none configured', 'templates (only Vast.ai has them; configure it or run in simulate mode)'));
    const all: VendorTemplate[] = [];
    for (const source of sources) {
      const listed = await this.catalogue(source);
      if (!listed.ok) return listed;
      all.push(...listed.val);
    }
    return Ok(filterTemplates(all, filter));
  }

  /** One template by hash id: from the catalogue, else asked of the provider (non-recommended templates). */
  async get(hashId: string): Promise<Result<VendorTemplate, TemplateError>> {
    const sources = this.sources;
    if (sources.length === 0) return Err(new UnsupportedByProviderError('none configured', 'templates (only Vast.ai has them; configure it or run in simulate mode)'));
    for (const source of sources) {
      const listed = await this.catalogue(source);
      if (!listed.ok) return listed;
      const found = listed.val.find((t) => t.hashId === hashId);
      if (found) return Ok(found);
    }
    for (const source of sources) {
      if (!source.getTemplate) continue;
      const looked = await source.getTemplate(hashId);
      if (looked.ok) return looked;
      if (looked.err.code !== 'PROVIDER_NOT_FOUND') return looked;
    }
    return Err(new NotFoundError('template', hashId));
  }

  /** The templates (of the catalogue) an offer meets the requirements of. */
  async compatibleWith(offer: Offer): Promise<Result<VendorTemplate[], TemplateError>> {
    const source = this.sources.find((p) => p.name === offer.provider);
    if (!source) return Ok([]);
    const listed = await this.catalogue(source);
    if (!listed.ok) return listed;
    return Ok(listed.val.filter((t) => offerSatisfiesTemplate(offer, t)));
  }

  private async catalogue(source: ProviderAdapter): Promise<Result<VendorTemplate[], ProviderError>> {
    let entry = this.entries.get(source.name);
    if (!entry) {
      entry = { templates: null, fetchedAtMs: 0, inflight: null };
      this.entries.set(source.name, entry);
    }
    const nowMs = this.options.clock.now().getTime();
    if (entry.templates !== null && nowMs - entry.fetchedAtMs < (this.options.cacheTtlMs ?? 3_600_000)) return Ok(entry.templates);
    const current = entry;
    current.inflight ??= (async () => {
      try {
        const listTemplates = source.listTemplates?.bind(source);
        if (!listTemplates) return Ok([]);
        const listed = await listTemplates();
        if (listed.ok) {
          current.templates = listed.val;
          current.fetchedAtMs = this.options.clock.now().getTime();
        } else {
          this.logger.warn('template listing failed', { provider: source.name, code: listed.err.code, error: listed.err.message });
        }
        return listed;
      } finally {
        current.inflight = null;
      }
    })();
    const result = await current.inflight;
    // A failed refresh serves the previous catalogue rather than nothing.
    if (!result.ok && current.templates !== null) return Ok(current.templates);
    return result;
  }
}
