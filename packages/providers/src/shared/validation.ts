import { Err, Ok, ProviderInvalidRequestError, type ProviderName, type Result } from '@gpu-shopper/core';

/**
 * Instance ids end up in URL paths: refuse anything that could change the path before a request is
 * made (empty, over 128 characters, slashes, or their percent-encodings).
 */
export function checkInstanceId(provider: ProviderName, operation: string, id: string): Result<string, ProviderInvalidRequestError> {
  const trimmed = id.trim();
  if (trimmed === '' || trimmed.length > 128 || /[/\\]|%2f|%5c/i.test(trimmed) || trimmed === '.' || trimmed === '..') {
    return Err(new ProviderInvalidRequestError(`invalid instance id '${trimmed.slice(0, 40)}'`, { provider, operation }));
  }
  return Ok(trimmed);
}

const KEY_LINE = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;

/** A trimmed OpenSSH authorized_keys line (Blue Lobster rejects a trailing newline), or an error. */
export function checkSshPublicKey(provider: ProviderName, operation: string, key: string): Result<string, ProviderInvalidRequestError> {
  const trimmed = key.trim();
  if (!KEY_LINE.test(trimmed)) {
    return Err(new ProviderInvalidRequestError('the SSH public key is not a single OpenSSH authorized_keys line', { provider, operation }));
  }
  return Ok(trimmed);
}

/** Single-quotes a value for a POSIX shell (used in cloud-init runcmd lines). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * For vendors without interruptible rentals: a bid, or an offer marked interruptible, is refused
 * before any request (ignoring the bid would rent on-demand at a price the caller never agreed to).
 */
export function refuseSpot(
  provider: ProviderName,
  vendor: string,
  request: { readonly offer: { readonly interruptible?: boolean | undefined }; readonly bidPricePerHourMicros?: number | null | undefined },
): Result<void, ProviderInvalidRequestError> {
  const bid = request.bidPricePerHourMicros;
  if ((bid !== undefined && bid !== null) || request.offer.interruptible === true) {
    return Err(new ProviderInvalidRequestError(`${vendor} has no interruptible (spot) rentals: bids are a Vast.ai feature; rent this offer on-demand`, { provider, operation: 'createInstance' }));
  }
  return Ok(undefined);
}
