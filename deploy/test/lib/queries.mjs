import fs from 'node:fs';

import YAML from 'yaml';

import { fromDeploy } from './paths.mjs';

export const DASHBOARD_FILE = fromDeploy('grafana', 'dashboards', 'gpu-shopper.json');
export const ALERTS_FILE = fromDeploy('prometheus', 'alerts.yml');

export function loadDashboard() {
  return JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8'));
}

/** Every panel, including panels nested in collapsed rows. */
export function allPanels(dashboard) {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** `{ where, expr }` for every PromQL expression of the dashboard: panel targets and query variables. */
export function dashboardExpressions(dashboard) {
  const out = [];
  for (const panel of allPanels(dashboard)) {
    for (const target of panel.targets ?? []) if (target.expr) out.push({ where: `panel "${panel.title}" ${target.refId}`, expr: target.expr });
  }
  for (const variable of dashboard.templating?.list ?? []) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    if (variable.type === 'query' && query) out.push({ where: `variable $${variable.name}`, expr: query.replace(/^label_values\((.*)\)$/, (_, args) => args.split(',')[0]) });
  }
  return out;
}

export function loadAlertRules() {
  return YAML.parse(fs.readFileSync(ALERTS_FILE, 'utf8')).groups.flatMap((group) => group.rules);
}

export function alertExpressions() {
  return loadAlertRules().map((rule) => ({ where: `alert ${rule.alert ?? rule.record}`, expr: rule.expr }));
}
