/**
 * Phrases TensorDock uses when an offer that the catalogue showed cannot actually be provisioned.
 * Such a failure means "try another offer", unlike a bad request or an auth failure.
 */
const STALE_PHRASES = [
  'no available nodes', 'insufficient capacity', 'not enough capacity', 'resource unavailable', 'out of stock',
  'no nodes available', 'nodes unavailable',
  'gpu unavailable', 'gpu not available', 'no gpus available', 'requested gpu', 'gpu capacity', 'no matching gpu',
  'gpu is not available',
  'datacenter unavailable', 'location unavailable', 'temporarily unavailable', 'under maintenance', 'region unavailable',
  'site unavailable',
  'high demand', 'sold out', 'fully allocated', 'at capacity', 'no capacity', 'capacity limit', 'cannot allocate',
  'allocation failed', 'resource limit', 'quota exceeded', 'limit reached', 'maximum',
  'no available public ips', 'no available public ip', 'no public ip',
];

export function isStaleInventoryMessage(message: string): boolean {
  const lower = message.toLowerCase();
  return lower !== '' && STALE_PHRASES.some((phrase) => lower.includes(phrase));
}
