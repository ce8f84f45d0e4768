// promtool checks of the Prometheus config and alert rules, and unit tests of the rules.
// promtool comes with the Debian package `prometheus` (apt-get install -y --no-install-recommends prometheus).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

import YAML from 'yaml';

import { fromDeploy } from './lib/paths.mjs';
import { dashboardExpressions, loadAlertRules, loadDashboard } from './lib/queries.mjs';

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const skip = promtool.error ? 'promtool is not installed: install the Debian package `prometheus` (it provides /usr/bin/promtool) to run these checks' : false;

function run(args, cwd = fromDeploy()) {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('promtool', { skip }, () => {
  test('promtool check config deploy/prometheus/prometheus.yml', () => {
    const { status, output } = run(['check', 'config', 'prometheus/prometheus.yml']);
    assert.equal(status, 0, output);
    assert.match(output, /SUCCESS: 1 rule files found/);
  });

  test('promtool check rules deploy/prometheus/alerts.yml', () => {
    const { status, output } = run(['check', 'rules', 'prometheus/alerts.yml']);
    assert.equal(status, 0, output);
  });

  test('promtool test rules: each alert fires when it should, with the expected labels', (t) => {
    // The cases in alerts.promtool.yml compare labels only; promtool also compares annotations,
    // so they run against a copy of the rules without annotations.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-shopper-rules-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const rules = YAML.parse(fs.readFileSync(fromDeploy('prometheus', 'alerts.yml'), 'utf8'));
    for (const group of rules.groups) for (const rule of group.rules) delete rule.annotations;
    fs.writeFileSync(path.join(dir, 'alerts.yml'), YAML.stringify(rules));
    fs.copyFileSync(fromDeploy('test', 'alerts.promtool.yml'), path.join(dir, 'alerts.promtool.yml'));
    const { status, output } = run(['test', 'rules', 'alerts.promtool.yml'], dir);
    assert.equal(status, 0, output);
  });

  test('every dashboard query is valid PromQL (checked by promtool as recording rules)', (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-shopper-dashboard-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    // Grafana's variables, replaced by values of the same kind.
    const substitute = (expr) => expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '1h').replaceAll('$__interval', '1m').replaceAll('$provider', '.*');
    const queries = dashboardExpressions(loadDashboard()).filter((q) => !q.where.startsWith('variable'));
    assert.ok(queries.length > 20);
    const rules = queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: substitute(q.expr) }));
    assert.deepEqual(rules.filter((r) => r.expr.includes('$')), [], 'an unknown Grafana variable');
    fs.writeFileSync(path.join(dir, 'dashboard-rules.yml'), YAML.stringify({ groups: [{ name: 'dashboard', rules }] }));
    const { status, output } = run(['check', 'rules', 'dashboard-rules.yml'], dir);
    const where = [...output.matchAll(/dashboard:query_(\d+)/g)].map((m) => queries[Number(m[1])].where);
    assert.equal(status, 0, `${output}\n${where.join('\n')}`);
  });
});

describe('alert rules', () => {
  const rules = loadAlertRules();
  const tested = new Set(
    YAML.parse(fs.readFileSync(fromDeploy('test', 'alerts.promtool.yml'), 'utf8'))
      .tests.flatMap((t) => t.alert_rule_test ?? [])
      .filter((c) => (c.exp_alerts ?? []).length > 0)
      .map((c) => c.alertname),
  );

  test('cover the required conditions', () => {
    const names = rules.map((rule) => rule.alert);
    for (const required of ['GpuShopperDown', 'GpuShopperOrphanFound', 'GpuShopperDestroyStuck', 'GpuShopperReconciliationPaused', 'GpuShopperProviderErrorRate', 'GpuShopperBudgetExhausted']) {
      assert.ok(names.includes(required), `missing alert ${required}`);
    }
    assert.match(rules.find((r) => r.alert === 'GpuShopperDestroyStuck').expr, /gpu_shopper_sessions_stuck_stopping\) > 0/);
  });

  test('every alert has a severity, a summary, a runbook link into docs/, and a firing case in alerts.promtool.yml', () => {
    const troubleshooting = fs.readFileSync(fromDeploy('..', 'docs', 'troubleshooting.md'), 'utf8');
    const anchors = new Set([...troubleshooting.matchAll(/^#+ (.+)$/gm)].map((m) => m[1].toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
    for (const rule of rules) {
      assert.match(rule.labels?.severity ?? '', /^(critical|warning|info)$/, `${rule.alert}: severity`);
      assert.ok(rule.annotations?.summary, `${rule.alert}: summary`);
      const [file, anchor] = (rule.annotations?.runbook ?? '').split('#');
      assert.equal(file, 'docs/troubleshooting.md', `${rule.alert}: runbook`);
      assert.ok(anchors.has(anchor), `${rule.alert}: docs/troubleshooting.md has no heading for #${anchor}`);
      assert.ok(tested.has(rule.alert), `${rule.alert}: no case in deploy/test/alerts.promtool.yml expects it to fire`);
    }
  });
});
