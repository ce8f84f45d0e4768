import { API_ROUTES } from '@gpu-shopper/contract';

const PATTERNS = API_ROUTES.map((route) => ({
  path: route.path,
  regex: new RegExp(`^${route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+')}/?$`),
}));

/**
 * The metric label of a request: the pattern of the route it was for (`/api/v1/sessions/:id`),
 * even when it was refused before a handler ran (401, 429), and `unmatched` for anything else.
 * Never the raw path: anyone can send any path, and each distinct label is a new time series kept
 * for the life of the process.
 */
export function routeLabel(matchedPattern: string | undefined, path: string): string {
  if (matchedPattern) return matchedPattern;
  return PATTERNS.find((p) => p.regex.test(path))?.path ?? 'unmatched';
}
