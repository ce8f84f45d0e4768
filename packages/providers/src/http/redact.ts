/**
 * Scrubs credentials out of anything an error message or log line might carry: known secret values
 * (provider keys), credentials in query strings (TensorDock's api_key/api_token), bearer tokens,
 * SSH keys in JSON bodies, and private key blocks.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/([?&](?:api_key|api_token|token|key)=)[^&\s"']*/gi, '$1[REDACTED]'],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[REDACTED]'],
  [/("ssh_key"\s*:\s*")[^"]*(")/gi, '$1[REDACTED]$2'],
  [/(X-API-Key\s*[:=]\s*)\S+/gi, '$1[REDACTED]'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[REDACTED PRIVATE KEY]'],
];

export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // Short values would redact innocent text; real credentials are long.
    if (secret.length >= 6) out = out.split(secret).join('[REDACTED]');
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Error text for messages and logs: redacted, single line, at most `maxLength` characters. */
export function safeSnippet(text: string, secrets: readonly string[] = [], maxLength = 1000): string {
  const oneLine = redactText(text, secrets).replace(/\s+/g, ' ').trim();
  return oneLine.length > maxLength ? `${oneLine.slice(0, maxLength)}…` : oneLine;
}
