import type { OfferPricing } from '@gpu-shopper/client';

import type { OfferFilters, OfferSortKey } from '../lib/filters.js';

function numberOrNull(value: string): number | null {
  if (value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** The inventory filters as a form; every change is applied at once (filtering runs in the page). */
export function InventoryFilters(props: {
  filters: OfferFilters;
  sort: OfferSortKey;
  providers: readonly string[];
  onChange: (filters: OfferFilters) => void;
  onSort: (sort: OfferSortKey) => void;
}) {
  const { filters, sort, providers, onChange, onSort } = props;
  const set = (patch: Partial<OfferFilters>) => onChange({ ...filters, ...patch });
  return (
    <form className="filters" role="search" aria-label="Filter offers" onSubmit={(e) => e.preventDefault()}>
      <label>
        Pricing
        <select value={filters.pricing} onChange={(e) => set({ pricing: e.target.value as OfferPricing })}>
          <option value="on-demand">On-demand</option>
          <option value="spot">Spot (interruptible)</option>
          <option value="any">Any</option>
        </select>
      </label>
      <label>
        Provider
        <select value={filters.provider} onChange={(e) => set({ provider: e.target.value })}>
          <option value="">Any</option>
          {providers.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label>
        GPU
        <input type="search" placeholder="e.g. RTX 4090" value={filters.gpu} onChange={(e) => set({ gpu: e.target.value })} />
      </label>
      <label>
        Min VRAM (GB)
        <input type="number" min="0" value={filters.minVram ?? ''} onChange={(e) => set({ minVram: numberOrNull(e.target.value) })} />
      </label>
      <label>
        Max $/h
        <input type="number" min="0" step="0.01" value={filters.maxPrice ?? ''} onChange={(e) => set({ maxPrice: numberOrNull(e.target.value) })} />
      </label>
      <label>
        Location
        <input type="search" value={filters.location} onChange={(e) => set({ location: e.target.value })} />
      </label>
      <label>
        Min reliability
        <input type="number" min="0" max="1" step="0.01" value={filters.minReliability ?? ''} onChange={(e) => set({ minReliability: numberOrNull(e.target.value) })} />
      </label>
      <label>
        Min CUDA
        <input type="text" inputMode="decimal" placeholder="12.1" value={filters.minCuda} onChange={(e) => set({ minCuda: e.target.value })} />
      </label>
      <label>
        Template
        <input type="search" placeholder="template hash" value={filters.template} onChange={(e) => set({ template: e.target.value })} />
      </label>
      <label className="check">
        <input type="checkbox" checked={filters.availableOnly} onChange={(e) => set({ availableOnly: e.target.checked })} />
        Available only
      </label>
      <label>
        Sort by
        <select value={sort} onChange={(e) => onSort(e.target.value as OfferSortKey)}>
          <option value="price">Price</option>
          <option value="price_per_gpu">Price per GPU</option>
          <option value="vram">VRAM</option>
          <option value="reliability">Reliability</option>
        </select>
      </label>
    </form>
  );
}
