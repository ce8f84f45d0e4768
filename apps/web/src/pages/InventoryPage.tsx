import type { Offer, SessionCreateResponse } from '@gpu-shopper/client';
import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useMemo, useState } from 'react';

import { InventoryFilters } from '../components/InventoryFilters.js';
import { KeyReveal } from '../components/KeyReveal.js';
import { RentDialog } from '../components/RentDialog.js';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { useConsole } from '../lib/context.js';
import { applyFilters, NO_FILTERS, pricesByGpu, type OfferSortKey } from '../lib/filters.js';
import { money } from '../lib/format.js';
import { useDebounced } from '../lib/use-debounced.js';

/** Rows rendered at once: the table stays fast with thousands of offers; "show more" adds a page. */
const PAGE = 100;

export function InventoryPage() {
  const { client, whoami, navigate } = useConsole();
  const [filters, setFilters] = useState(NO_FILTERS);
  const [sort, setSort] = useState<OfferSortKey>('price');
  const [shown, setShown] = useState(PAGE);
  const [renting, setRenting] = useState<Offer | null>(null);
  const [rented, setRented] = useState<SessionCreateResponse | null>(null);
  // Which offers support a template only the server knows, so that filter is a query parameter; the
  // others apply in the page, as you type.
  const template = useDebounced(filters.template.trim());
  const inventory = useQuery({
    queryKey: ['inventory', template],
    queryFn: () => client.inventory.list({ limit: 10_000, ...(template !== '' ? { template_hash_id: template } : {}) }),
    refetchInterval: 30_000,
    placeholderData: (previous) => previous,
  });
  const deferredFilters = useDeferredValue(filters);
  const offers = useMemo(() => applyFilters(inventory.data?.offers ?? [], deferredFilters, sort), [inventory.data, deferredFilters, sort]);
  const chart = useMemo(() => pricesByGpu(offers), [offers]);
  const providers = inventory.data?.providers ?? [];

  return (
    <section aria-labelledby="inventory-title">
      <h1 id="inventory-title">Inventory</h1>
      <ul className="provider-status" aria-label="Provider status">
        {providers.map((p) => (
          <li key={p.provider} className={`pill pill-${p.state}`}>
            <strong>{p.provider}</strong> {p.state === 'ok' ? `ok · ${p.offer_count} offers` : `${p.state}${p.error_code ? ` · ${p.error_code}` : ''}`}
          </li>
        ))}
      </ul>
      <InventoryFilters
        filters={filters}
        sort={sort}
        providers={providers.map((p) => p.provider)}
        onChange={(f) => {
          setFilters(f);
          setShown(PAGE);
        }}
        onSort={setSort}
      />
      {inventory.isPending ? (
        <Loading what="offers" />
      ) : inventory.isError ? (
        <ErrorState error={inventory.error} retry={() => void inventory.refetch()} />
      ) : offers.length === 0 ? (
        <Empty>No offer matches these filters.</Empty>
      ) : (
        <>
          <PriceChart points={chart} />
          <p className="muted" role="status">
            {offers.length} of {inventory.data.count} offers
          </p>
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Offers</caption>
              <thead>
                <tr>
                  <th scope="col">Provider</th>
                  <th scope="col">GPU</th>
                  <th scope="col">VRAM</th>
                  <th scope="col">$/h</th>
                  <th scope="col">Location</th>
                  <th scope="col">Reliability</th>
                  <th scope="col">CUDA</th>
                  <th scope="col">
                    <span className="sr-only">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {offers.slice(0, shown).map((offer) => (
                  <tr key={offer.id}>
                    <td>{offer.provider}</td>
                    <td>
                      {offer.gpu_count}× {offer.gpu_name}
                    </td>
                    <td>{offer.vram_gb} GB</td>
                    <td className="num">{money(offer.price_per_hour)}</td>
                    <td>{offer.location}</td>
                    <td className="num">{offer.reliability === null ? '—' : `${Math.round(offer.reliability * 100)}%`}</td>
                    <td>{offer.cuda_version ?? '—'}</td>
                    <td>
                      <button type="button" disabled={!offer.available} onClick={() => setRenting(offer)} aria-label={`Rent ${offer.gpu_count}× ${offer.gpu_name} at ${offer.provider} for ${money(offer.price_per_hour)} per hour`}>
                        Rent
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {shown < offers.length ? (
            <button type="button" onClick={() => setShown(shown + PAGE)}>
              Show {Math.min(PAGE, offers.length - shown)} more
            </button>
          ) : null}
        </>
      )}
      {renting ? (
        <RentDialog
          client={client}
          offer={renting}
          fixedConsumer={whoami.role === 'consumer' ? whoami.consumer_id : null}
          onClose={() => setRenting(null)}
          onRented={(answer) => {
            setRenting(null);
            setRented(answer);
          }}
        />
      ) : null}
      {rented ? (
        <KeyReveal
          sessionId={rented.session.id}
          privateKey={rented.ssh_private_key}
          withheld={rented.ssh_private_key_withheld}
          onClose={() => {
            const id = rented.session.id;
            // Forget the key: it exists nowhere in the page once the dialog closes.
            setRented(null);
            navigate(`#/sessions/${id}`);
          }}
        />
      ) : null}
    </section>
  );
}

/** Cheapest $/GPU-hour per GPU type at each provider, as horizontal bars (the visible offers only). */
function PriceChart({ points }: { points: ReturnType<typeof pricesByGpu> }) {
  const max = Math.max(...points.map((p) => p.min), 0.01);
  const shown = points.slice(0, 40);
  return (
    <details className="chart">
      <summary>Cheapest price per GPU type and provider ($ per GPU-hour)</summary>
      <ul>
        {shown.map((p) => (
          <li key={`${p.gpuType}-${p.provider}`}>
            <span className="chart-label">
              {p.gpuType} · {p.provider}
            </span>
            <span className={`chart-bar provider-${p.provider}`} style={{ width: `${(p.min / max) * 60}%` }} />
            <span className="num">{money(p.min)}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
