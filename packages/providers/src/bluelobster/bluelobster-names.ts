import { LABEL_PREFIX, parseSessionLabel } from '@gpu-shopper/core';

/**
 * Blue Lobster instance names must match ^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$ and be at most 64
 * characters, and metadata is not stored, so the name is where our label lives. Our label
 * `gpushop-dep_<A>-ses_<B>` is written as `gpushop-<A>-<B>` (61 characters for generated ids) and
 * read back exactly.
 */
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/;
export const BLUELOBSTER_NAME_MAX = 64;

export function labelToBlueLobsterName(label: string): string | undefined {
  const parsed = parseSessionLabel(label);
  if (!parsed) return undefined;
  const deployment = parsed.deploymentId.replace(/^dep_/, '');
  const session = parsed.sessionId.replace(/^ses_/, '');
  const name = `${LABEL_PREFIX}${deployment}-${session}`;
  if (deployment.includes('_') || session.includes('_') || name.length > BLUELOBSTER_NAME_MAX || !NAME_PATTERN.test(name)) return undefined;
  return name;
}

/** The label a name stands for, or the name itself for instances that are not ours. */
export function blueLobsterNameToLabel(name: string | null | undefined): string | null {
  if (!name) return null;
  const match = /^gpushop-([A-Za-z0-9]+)-([A-Za-z0-9]+)$/.exec(name);
  if (!match?.[1] || !match[2]) return name;
  return `${LABEL_PREFIX}dep_${match[1]}-ses_${match[2]}`;
}
