// Every metric the Grafana dashboard and the alert rules query must be one the server exports.
// The authority is the BUILT server's /metrics: it is started in simulate mode (no provider keys),
// on a free port with a temporary database, and killed by PID afterwards. These tests build
// nothing; without a (fresh) build that part is skipped, and the names are checked against
// apps/server/src/observability/metrics.ts and prom-client's default metrics instead.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

import { familiesFromExposition, familiesFromSource, isExported } from './lib/metrics.mjs';
import { metricNamesIn } from './lib/promql.mjs';
import { alertExpressions, allPanels, dashboardExpressions, loadDashboard } from './lib/queries.mjs';
import { isolatedEnv, serverBuildState, startServer } from './lib/server.mjs';

/** Prometheus' own series the dashboard and rules may use besides the server's. */
const PROMETHEUS_BUILTINS = new Set(['up', 'ALERTS', 'ALERTS_FOR_STATE']);

const dashboard = loadDashboard();
const expressions = [...dashboardExpressions(dashboard), ...alertExpressions()];

/** Problems: names that are neither exported by the server nor Prometheus built-ins. */
function unknownNames(families) {
  const problems = [];
  for (const { where, expr } of expressions) {
    for (const name of metricNamesIn(expr)) {
      if (PROMETHEUS_BUILTINS.has(name)) continue;
      if (!name.startsWith('gpu_shopper_')) problems.push(`${where}: ${name} is not a gpu_shopper_ metric`);
      else if (!isExported(name, families)) problems.push(`${where}: ${name} is not exported by the server`);
    }
  }
  return problems;
}

describe('metricNamesIn (PromQL name extraction)', () => {
  test('finds metric names and ignores functions, labels, grouping, durations, numbers, strings and variables', () => {
    assert.deepEqual(
      metricNamesIn('histogram_quantile(0.95, sum by (le, provider) (rate(gpu_shopper_provider_api_latency_seconds_bucket{provider=~"$provider", code!="404"}[$__rate_interval])))'),
      ['gpu_shopper_provider_api_latency_seconds_bucket'],
    );
    assert.deepEqual(metricNamesIn('sum(rate(a_total[1h])) * 3600 / on (x) group_left (y) b offset 15m > bool 0.5 or vector(0)'), ['a_total', 'b']);
    assert.deepEqual(metricNamesIn('x unless x offset 15m'), ['x']);
    assert.deepEqual(metricNamesIn('max(up{job="gpu-shopper"}) and ALERTS{alertname=~"Gpu.*"}'), ['up', 'ALERTS']);
    assert.deepEqual(metricNamesIn('absent(up{job="gpu-shopper"})'), ['up']);
    assert.deepEqual(metricNamesIn('count without (instance) (foo:bar:rate5m) >= 1e3'), ['foo:bar:rate5m']);
  });

  test('isExported accepts histogram series suffixes only for histograms', () => {
    const families = new Map([
      ['h_seconds', 'histogram'],
      ['c_total', 'counter'],
    ]);
    assert.ok(isExported('h_seconds_bucket', families));
    assert.ok(isExported('h_seconds_count', families));
    assert.ok(isExported('c_total', families));
    assert.ok(!isExported('c_total_count', families));
    assert.ok(!isExported('missing', families));
  });
});

describe('dashboard', () => {
  test('has the required panels, unique ids, and a query in every data panel', () => {
    const panels = allPanels(dashboard);
    const ids = panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    assert.equal(dashboard.uid, 'gpu-shopper');
    for (const panel of panels) {
      assert.ok(panel.gridPos && panel.gridPos.x + panel.gridPos.w <= 24, `panel "${panel.title}" fits the 24-column grid`);
      if (panel.type === 'row' || panel.type === 'text') continue;
      assert.ok((panel.targets ?? []).length > 0 && panel.targets.every((t) => t.expr), `panel "${panel.title}" has queries`);
      assert.ok(panel.description, `panel "${panel.title}" has a description`);
    }
    const uses = (metric) => panels.some((p) => (p.targets ?? []).some((t) => t.expr.includes(metric)));
    for (const metric of [
      'gpu_shopper_sessions{',
      'gpu_shopper_provisioning_duration_seconds_count',
      'gpu_shopper_provisioning_duration_seconds_bucket',
      'gpu_shopper_provider_api_errors_total',
      'gpu_shopper_provider_api_latency_seconds_bucket',
      'gpu_shopper_destroys_total',
      'gpu_shopper_orphans_found_total',
      'gpu_shopper_reconciliation_pauses_total',
      'gpu_shopper_cost_accrued_usd_total',
      'gpu_shopper_budget_alerts_total',
      'gpu_shopper_sessions_stuck_stopping',
    ]) {
      assert.ok(uses(metric), `a panel queries ${metric}`);
    }
    const perConsumer = panels.filter((p) => /consumer/i.test(`${p.title} ${p.description ?? ''} ${p.options?.content ?? ''}`));
    assert.ok(perConsumer.some((p) => /not (exported as )?a metric|not a metric label/i.test(`${p.description ?? ''} ${p.options?.content ?? ''}`)), 'a panel says cost per consumer is not a metric label');
  });
});

describe('metric names used by the dashboard and the alert rules', () => {
  test('exist in apps/server/src/observability/metrics.ts (or are prom-client default metrics)', async () => {
    const families = await familiesFromSource();
    assert.ok(families.has('gpu_shopper_sessions_stuck_stopping') && families.has('gpu_shopper_process_resident_memory_bytes'));
    assert.deepEqual(unknownNames(families), []);
  });

  const build = serverBuildState();
  test('are exported by the built server at /metrics', { skip: build.ok ? false : build.reason, timeout: 40_000 }, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-shopper-metrics-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const server = await startServer({ cwd: dir, env: isolatedEnv({ DATABASE_PATH: path.join(dir, 'db.sqlite') }) });
    let exposition;
    try {
      const health = await (await fetch(`${server.baseUrl}/health`)).json();
      assert.equal(health.mode, 'simulate', 'the test server must run in simulate mode');
      const response = await fetch(`${server.baseUrl}/metrics`);
      assert.equal(response.status, 200, `/metrics answered ${response.status}`);
      exposition = await response.text();
    } finally {
      await server.stop();
      assert.throws(() => process.kill(server.pid, 0), 'the server process is gone');
    }
    const families = familiesFromExposition(exposition);
    assert.ok(families.size > 10, `expected metric families in /metrics, got:\n${exposition.slice(0, 500)}`);
    assert.deepEqual(unknownNames(families), []);
    // The static check above must agree with the server, or it would check the wrong thing.
    const fromSource = await familiesFromSource();
    const missing = [...fromSource.keys()].filter((name) => !families.has(name));
    assert.deepEqual(missing, [], 'families declared in metrics.ts but absent from /metrics');
  });
});
