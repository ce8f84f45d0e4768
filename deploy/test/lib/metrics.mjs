import fs from 'node:fs';
import { createRequire } from 'node:module';

import { fromRoot, serverDir } from './paths.mjs';

/** Metric families (name → type) from Prometheus text exposition: its `# TYPE` lines. */
export function familiesFromExposition(text) {
  const families = new Map();
  for (const match of text.matchAll(/^# TYPE ([A-Za-z_:][A-Za-z0-9_:]*) (\w+)$/gm)) families.set(match[1], match[2]);
  return families;
}

/**
 * Metric families declared in apps/server/src/observability/metrics.ts (read as text), plus the
 * default process metrics prom-client registers with the `gpu_shopper_` prefix. Used when no built
 * server is available to ask.
 */
export async function familiesFromSource() {
  const source = fs.readFileSync(fromRoot('apps', 'server', 'src', 'observability', 'metrics.ts'), 'utf8');
  const families = new Map();
  const declaration = /(counter|histogram|gauge|summary)\s*(?:<[^>]*>)?\(\s*(?:\{\s*name:\s*)?'(gpu_shopper_[a-z0-9_]+)'/gi;
  for (const match of source.matchAll(declaration)) families.set(match[2], match[1].toLowerCase());
  const mentioned = new Set([...source.matchAll(/'(gpu_shopper_[a-z0-9_]+)'/g)].map((m) => m[1]));
  const undeclared = [...mentioned].filter((name) => !families.has(name));
  if (undeclared.length > 0) throw new Error(`metrics.ts names ${undeclared.join(', ')} in a declaration this test cannot read; update familiesFromSource`);
  if (!/collectDefaultMetrics\([^)]*prefix:\s*'gpu_shopper_'/.test(source)) throw new Error('metrics.ts no longer registers the default metrics with the gpu_shopper_ prefix');

  const client = createRequire(`${serverDir}/package.json`)('prom-client');
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'gpu_shopper_' });
  for (const metric of await registry.getMetricsAsJSON()) families.set(metric.name, metric.type);
  return families;
}

/** True when `name` is a family or one of the series a histogram/summary family exposes. */
export function isExported(name, families) {
  if (families.has(name)) return true;
  const match = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (!match) return false;
  const type = families.get(match[1]);
  return type === 'histogram' || (type === 'summary' && match[2] !== 'bucket');
}
