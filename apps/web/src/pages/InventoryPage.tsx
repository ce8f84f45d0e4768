import type { Offer, SessionCreateResponse } from '@gpu-shopper/client';
import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useMemo, useState } from 'react';

import { InventoryFilters } from '../components/InventoryFilters.js';
import { KeyReveal } from '../components/KeyReveal.js';
import { OfferTable } from '../components/OfferTable.js';
import { PriceChart } from '../components/PriceChart.js';
import { RentDialog } from '../components/RentDialog.js';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { useConsole } from '../lib/context.js';
import { applyFilters, NO_FILTERS, pricesByGpu, type OfferSortKey } from '../lib/filters.js';
import { useDebounced } from '../lib/use-debounced.js';

export function InventoryPage() {
  const { client, whoami, navigate } = useConsole();
  const [filters, setFilters] = useState(NO_FILTERS);
  const [sort, setSort] = useState<OfferSortKey>('price');
  const [renting, setRenting] = useState<Offer | null>(null);
  const [rented, setRented] = useState<SessionCreateResponse | null>(null);
  // Which offers support a template only the server knows, so that filter is a query parameter; the
  // others apply in the page, as you type.
  const template = useDebounced(filters.template.trim());
  // Pricing too: the server lists interruptible (spot) offers only when asked.
  const pricing = filters.pricing;
  const inventory = useQuery({
    queryKey: ['inventory', template, pricing],
    queryFn: () => client.inventory.list({ limit: 10_000, pricing, ...(template !== '' ? { template_hash_id: template } : {}) }),
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
          <li key={p.provider} className={`pill pill-${p.state}`} title={p.error_message ?? undefined}>
            <strong>{p.provider}</strong> {p.state}
            {p.offer_count > 0 ? ` · ${p.offer_count} offers` : ''}
            {p.error_code ? ` · ${p.error_code}` : ''}
          </li>
        ))}
      </ul>
      <InventoryFilters
        filters={filters}
        sort={sort}
        providers={providers.map((p) => p.provider)}
        onChange={setFilters}
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
          <PriceChart points={chart} providers={providers.map((p) => p.provider)} />
          <p className="muted" role="status">
            {offers.length} of {inventory.data.count} offers
          </p>
          {/* A new filter or sort starts the table at its top. */}
          <OfferTable key={`${JSON.stringify(deferredFilters)}|${sort}`} offers={offers} onRent={setRenting} />
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
