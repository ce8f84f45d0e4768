import type { Offer } from '@gpu-shopper/client';

import { pricingLabel } from '../lib/filters.js';
import { money } from '../lib/format.js';
import { useVirtualRows } from '../lib/virtual-rows.js';

/** Every row is this tall (CSS keeps it so: one line, no wrapping), which is what makes the window exact. */
export const OFFER_ROW_HEIGHT = 40;
const COLUMNS = 9;

/**
 * The offers as one scrolling table, however many there are: only the rows on screen (and a few
 * either side) are in the DOM, spacers stand in for the rest, and `aria-rowcount`/`aria-rowindex`
 * tell assistive technology where each rendered row sits in the whole list.
 */
export function OfferTable({ offers, onRent }: { offers: readonly Offer[]; onRent: (offer: Offer) => void }) {
  const { ref, onScroll, window } = useVirtualRows(offers.length, OFFER_ROW_HEIGHT);
  return (
    <div className="table-scroll" ref={ref} onScroll={onScroll} tabIndex={0} role="region" aria-label={`Offers, ${offers.length} rows (scrolls)`} data-testid="offer-scroll">
      <table className="offers" aria-rowcount={offers.length + 1}>
        <caption className="sr-only">Offers</caption>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">Provider</th>
            <th scope="col">GPU</th>
            <th scope="col">VRAM</th>
            <th scope="col">$/h</th>
            <th scope="col">Pricing</th>
            <th scope="col">Location</th>
            <th scope="col">Reliability</th>
            <th scope="col">CUDA</th>
            <th scope="col">
              <span className="sr-only">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {window.before > 0 ? (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={COLUMNS} style={{ height: window.before }} />
            </tr>
          ) : null}
          {offers.slice(window.start, window.end).map((offer, i) => (
            <tr key={offer.id} aria-rowindex={window.start + i + 2}>
              <td>{offer.provider}</td>
              <td>
                {offer.gpu_count}× {offer.gpu_name}
              </td>
              <td>{offer.vram_gb} GB</td>
              <td className="num">{money(offer.price_per_hour)}</td>
              <td title={offer.interruptible ? 'Interruptible: a higher bid from another tenant can stop the instance. The price is the minimum bid plus the disk.' : undefined}>
                {offer.interruptible ? <span className="badge badge-spot">{pricingLabel(offer)}</span> : <span className="muted">on-demand</span>}
              </td>
              <td title={offer.location}>{offer.location}</td>
              <td className="num">{offer.reliability === null ? '—' : `${Math.round(offer.reliability * 100)}%`}</td>
              <td>{offer.cuda_version ?? '—'}</td>
              <td>
                <button type="button" disabled={!offer.available} onClick={() => onRent(offer)} aria-label={`Rent ${offer.gpu_count}× ${offer.gpu_name} at ${offer.provider} for ${money(offer.price_per_hour)} per hour${offer.interruptible ? ', interruptible (spot)' : ''}`}>
                  Rent
                </button>
              </td>
            </tr>
          ))}
          {window.after > 0 ? (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={COLUMNS} style={{ height: window.after }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
