import type { Consumer, GpuShopper, Offer, OnPreempt, SessionCreateResponse, StoragePolicy } from '@gpu-shopper/client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import { errorMessage } from '../lib/api.js';
import { budgetView, fitsBudget, worstCaseMicros } from '../lib/budget.js';
import { bidMoney } from '../lib/filters.js';
import { money } from '../lib/format.js';
import { bidMicros, defaultMaxBidMicros, DEFAULT_BID_MARGIN_PERCENT, parseMaxBid, storageMicros } from '../lib/spot.js';
import { Dialog } from './Dialog.js';

export interface RentDialogProps {
  client: GpuShopper;
  offer: Offer;
  /** A consumer key rents for itself; the admin picks the consumer. */
  fixedConsumer: string | null;
  onClose: () => void;
  onRented: (answer: SessionCreateResponse) => void;
}

/**
 * Rent an offer: consumer, hours, idle timeout, disk and what happens to it at the end; shows the worst-case cost and what is left of
 * the consumer's budget before anything is billed. The server checks the budget again (invariant 11).
 * An interruptible (spot) offer is rented with a bid: a maximum bid (default: the minimum bid plus
 * the server's margin) and what a preemption does; its worst case counts the maximum bid plus the
 * disk for every hour, as the server's budget check does (a reprovision may bid up to it).
 */
export function RentDialog({ client, offer, fixedConsumer, onClose, onRented }: RentDialogProps) {
  const [consumer, setConsumer] = useState(fixedConsumer ?? '');
  const [hours, setHours] = useState('1');
  const [idleMinutes, setIdleMinutes] = useState('30');
  const [diskGb, setDiskGb] = useState('');
  const [storage, setStorage] = useState<StoragePolicy>('destroy');
  // Only Vast.ai can stop an instance and keep its disk; the server refuses `preserve` elsewhere.
  const canPreserve = offer.provider === 'vastai';
  const spot = offer.interruptible && offer.min_bid_micros !== null;
  const minBid = offer.min_bid_micros ?? 0;
  const [maxBid, setMaxBid] = useState(spot ? String(defaultMaxBidMicros(minBid) / 1e6) : '');
  const [onPreempt, setOnPreempt] = useState<OnPreempt>('end');
  const consumers = useQuery({
    queryKey: ['consumers'],
    queryFn: () => client.consumers.list(),
    enabled: fixedConsumer === null,
  });
  const consumerInfo = useQuery({
    queryKey: ['consumer', consumer],
    queryFn: () => client.consumers.retrieve(consumer),
    enabled: consumer !== '',
    retry: false,
  });
  const rent = useMutation({
    mutationFn: () =>
      client.sessions.create({
        consumer_id: consumer,
        offer_id: offer.id,
        reservation_hours: Number(hours),
        idle_timeout: Number(idleMinutes),
        ...(diskGb.trim() !== '' ? { disk_gb: Number(diskGb) } : {}),
        ...(storage === 'preserve' ? { storage_policy: 'preserve' as const } : {}),
        ...(spot && maxBidParsed.ok ? { pricing: 'spot' as const, max_bid: maxBidParsed.micros / 1e6, on_preempt: onPreempt } : {}),
      }),
    onSuccess: onRented,
  });

  const hoursValue = Number(hours);
  // The server's limits: whole hours 1–12, idle timeout 0–720 minutes.
  const hoursValid = hours.trim() !== '' && Number.isInteger(hoursValue) && hoursValue >= 1 && hoursValue <= 12;
  const idleValid = idleMinutes.trim() !== '' && Number.isInteger(Number(idleMinutes)) && Number(idleMinutes) >= 0 && Number(idleMinutes) <= 720;
  const diskValid = diskGb.trim() === '' || (Number.isInteger(Number(diskGb)) && Number(diskGb) > 0);
  const maxBidParsed = spot ? parseMaxBid(maxBid, minBid) : ({ ok: true, micros: 0 } as const);
  // Spot: the maximum bid plus the disk for every hour (what the server counts); on-demand: the price.
  const hourlyWorst = spot ? (maxBidParsed.ok ? maxBidParsed.micros + storageMicros(offer) : null) : offer.price_per_hour_micros;
  const worstCase = hoursValid && hourlyWorst !== null ? worstCaseMicros(hourlyWorst, hoursValue) : null;
  const budget: Consumer['budget'] = consumerInfo.data?.budget ?? null;
  const fits = worstCase === null || fitsBudget(worstCase, budget);
  const canRent = consumer !== '' && hoursValid && idleValid && diskValid && maxBidParsed.ok && fits && !rent.isPending;

  return (
    <Dialog title={`Rent ${offer.gpu_count}× ${offer.gpu_name}`} onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (canRent) rent.mutate();
        }}
      >
        <p className="muted">
          {offer.provider} · {offer.location} · {offer.vram_gb} GB VRAM · {money(offer.price_per_hour)}/h
          {spot ? <span className="badge badge-spot"> interruptible (spot) · min bid {bidMoney(minBid / 1e6)}/h</span> : null}
        </p>
        {spot ? (
          <fieldset className="spot">
            <legend>Interruptible (spot)</legend>
            <p className="muted small">A higher bid from another tenant can stop the instance at any time. The bid buys GPU time; the disk bills beside it.</p>
            <label>
              Maximum bid (USD/h, disk not included)
              <input type="number" min={minBid / 1e6} step="0.0001" value={maxBid} onChange={(e) => setMaxBid(e.target.value)} aria-invalid={!maxBidParsed.ok} />
            </label>
            {maxBidParsed.ok ? (
              <p className="muted small" data-testid="bid-placed">
                Bid placed: {bidMoney(bidMicros(minBid, maxBidParsed.micros) / 1e6)}/h (the minimum bid plus {DEFAULT_BID_MARGIN_PERCENT} %, never above your maximum); a reprovision bids up to {bidMoney(maxBidParsed.micros / 1e6)}/h.
              </p>
            ) : (
              <p className="error" role="alert">
                {maxBidParsed.reason}
              </p>
            )}
            <label>
              When outbid
              <select value={onPreempt} onChange={(e) => setOnPreempt(e.target.value as OnPreempt)}>
                <option value="end">End the session</option>
                <option value="reprovision">Move to another spot offer (same key, new host)</option>
              </select>
            </label>
          </fieldset>
        ) : null}
        <label>
          Consumer
          {fixedConsumer !== null ? (
            <input value={fixedConsumer} readOnly />
          ) : (
            <select value={consumer} onChange={(e) => setConsumer(e.target.value)} required>
              <option value="">Choose a consumer…</option>
              {(consumers.data?.consumers ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name ? `${c.name} (${c.id})` : c.id}
                </option>
              ))}
            </select>
          )}
        </label>
        <label>
          Hours reserved (1–12)
          <input type="number" min="1" max="12" step="1" value={hours} onChange={(e) => setHours(e.target.value)} aria-invalid={!hoursValid} />
        </label>
        <label>
          Idle timeout (minutes, 0 = never)
          <input type="number" min="0" max="720" step="1" value={idleMinutes} onChange={(e) => setIdleMinutes(e.target.value)} aria-invalid={!idleValid} />
        </label>
        <label>
          Disk (GB, empty = provider default)
          <input type="number" min="1" step="1" value={diskGb} onChange={(e) => setDiskGb(e.target.value)} aria-invalid={!diskValid} />
        </label>
        <label>
          At the end
          <select value={storage} onChange={(e) => setStorage(e.target.value as StoragePolicy)}>
            <option value="destroy">Destroy the instance and its disk</option>
            <option value="preserve" disabled={!canPreserve}>
              Stop it and keep the disk{canPreserve ? '' : ' (Vast.ai only)'}
            </option>
          </select>
        </label>
        {storage === 'preserve' ? (
          <p className="muted small">The kept disk is billed at the host&apos;s storage rate after the GPU time, until you delete the session or the hard maximum ends it.</p>
        ) : null}
        <dl className="summary">
          <dt>{storage === 'preserve' ? 'Worst-case GPU cost (the kept disk is extra)' : spot ? 'Worst-case cost (maximum bid plus disk, every hour)' : 'Worst-case cost'}</dt>
          <dd data-testid="worst-case">{worstCase === null ? '—' : money(worstCase / 1e6)}</dd>
          <dt>Budget left this month</dt>
          <dd data-testid="budget-left">
            {consumer === ''
              ? '—'
              : consumerInfo.isPending
                ? '…'
                : consumerInfo.isError
                  ? 'unknown'
                  : budget
                    ? `${money(budgetView(budget).remaining)} of ${money(budgetView(budget).limit)}`
                    : 'no budget set'}
          </dd>
        </dl>
        {!fits ? (
          <p className="error" role="alert">
            The worst case exceeds what is left of this consumer's budget: reserve fewer hours.
          </p>
        ) : null}
        {rent.isError ? (
          <p className="error" role="alert">
            {errorMessage(rent.error)}
          </p>
        ) : null}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!canRent}>
            {rent.isPending ? 'Renting…' : worstCase === null ? 'Rent' : `Rent for up to ${money(worstCase / 1e6)}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
