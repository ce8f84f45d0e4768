/**
 * Metric names used by a PromQL expression (also with Grafana's `$variables`), without a full
 * parser: strings, label matchers, range/offset brackets, grouping clauses and function calls are
 * removed, and what remains that looks like an identifier is a metric name.
 */
const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'atan2',
  // aggregation operators are followed by `(` or `by (`, but `sum by (x) (...)` puts the name first
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile',
  'inf', 'nan',
]);

export function metricNamesIn(expr) {
  let text = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range selectors and subqueries
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, ' ') // Grafana variables ($__rate_interval, ${provider})
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping label lists
  text = text.replace(/\b[A-Za-z_:][A-Za-z0-9_:]*\s*\(/g, '('); // function calls and aggregations
  const names = new Set();
  for (const match of text.matchAll(/(?<![A-Za-z0-9_:.])[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = match[0];
    if (!KEYWORDS.has(name.toLowerCase())) names.add(name);
  }
  return [...names];
}
