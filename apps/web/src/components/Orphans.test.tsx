import type { OrphanInstance, ReconciliationReport } from '@gpu-shopper/client';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { Orphans, orphanState } from './Orphans.js';

const NOW = Date.parse('2026-12-07T10:00:00Z');

function orphan(over: Partial<OrphanInstance> = {}): OrphanInstance {
  return {
    provider: 'vastai',
    provider_instance_id: '4242',
    label: 'gpushop-dep_1-ses_1',
    session_id: 'ses_1',
    session_status: 'terminated',
    state: 'running',
    first_seen_at: '2026-12-07T09:50:00Z',
    last_seen_at: '2026-12-07T09:59:00Z',
    destroy_after: '2026-12-07T10:05:00Z',
    outcome: 'waiting',
    destroyed_at: null,
    error: null,
    ...over,
  };
}

const EMPTY: ReconciliationReport = { last_pass_at: '2026-12-07T09:59:00Z', providers: [{ provider: 'vastai', status: 'ok', instances: 0 }], orphans: [], recently_destroyed: [], foreign: [] };

describe('orphans found by reconciliation', () => {
  it('says how long the grace period still runs, when it is due, and why a destroy failed', () => {
    expect(orphanState(orphan(), NOW)).toBe('destroyed in 5m 00s (grace period)');
    expect(orphanState(orphan({ destroy_after: '2026-12-07T09:59:00Z' }), NOW)).toBe('due: destroyed at the next pass');
    expect(orphanState(orphan({ outcome: 'destroy_failed', error: 'PROVIDER_UNAVAILABLE: HTTP 503' }), NOW)).toBe('destroy failed, retried each pass: PROVIDER_UNAVAILABLE: HTTP 503');
  });

  it('lists each orphan with the session its label names, and says so when there is none', () => {
    render(<Orphans report={{ ...EMPTY, orphans: [orphan(), orphan({ provider_instance_id: '7', session_id: null, session_status: null })] }} now={NOW} />);
    expect(screen.getByRole('cell', { name: 'ses_1 (terminated)' })).toBeTruthy();
    expect(screen.getByRole('cell', { name: /^no session/ })).toBeTruthy();
    expect(screen.getAllByTestId('orphan-state').map((c) => c.textContent)).toEqual(['destroyed in 5m 00s (grace period)', 'destroyed in 5m 00s (grace period)']);
  });

  it('an empty report is a clear empty state; a paused provider is called out; foreign instances are listed as left alone', () => {
    render(
      <Orphans
        report={{
          ...EMPTY,
          providers: [{ provider: 'tensordock', status: 'paused', reason: 'PROVIDER_UNAVAILABLE: HTTP 500', instances: 0 }],
          foreign: [{ provider: 'vastai', provider_instance_id: '9', label: null, deployment_id: null, state: 'running' }],
        }}
        now={NOW}
      />,
    );
    expect(screen.getByText(/No orphaned instance/)).toBeTruthy();
    expect(screen.getByRole('note').textContent).toMatch(/tensordock: the listing failed \(PROVIDER_UNAVAILABLE: HTTP 500\)/);
    expect(screen.getByRole('heading', { name: 'Left alone (1)' })).toBeTruthy();
  });

  it('before the first pass it says so', () => {
    render(<Orphans report={{ last_pass_at: null, providers: [], orphans: [], recently_destroyed: [], foreign: [] }} now={NOW} />);
    expect(screen.getByText('No reconciliation pass yet on this server.')).toBeTruthy();
  });
});
