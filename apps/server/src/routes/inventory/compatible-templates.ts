import { type Router } from 'express';

import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';
import { templateToDto } from '../templates/template-dto.js';

/** `GET /api/v1/inventory/:id/compatible-templates`: the templates whose requirements the offer's host meets. */
export function registerInventoryCompatibleTemplates(router: Router, deps: AppDeps): void {
  router.get('/api/v1/inventory/:id/compatible-templates', async (req, res) => {
    const found = await deps.inventory.getOffer(req.params.id);
    if (!found) throw new ApiError('OFFER_NOT_FOUND', `offer ${req.params.id.slice(0, 200)} not found (offers come and go: list the inventory again)`);
    const { offer } = found;
    const base = { offer_id: offer.id, provider: offer.provider, gpu_type: offer.gpuType, vram_gb: offer.vramGbPerGpu, cuda_version: offer.cudaVersion };
    if (!offer.capabilities.templates) {
      res.json({ ...base, compatible_templates: [], count: 0, note: `${offer.provider} has no launch templates (only Vast.ai does)` });
      return;
    }
    const compatible = await deps.templates.compatibleWith(offer);
    if (!compatible.ok) throw compatible.err;
    res.json({ ...base, compatible_templates: compatible.val.map(templateToDto), count: compatible.val.length });
  });
}
