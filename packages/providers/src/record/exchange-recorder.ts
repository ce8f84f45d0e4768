import fs from 'node:fs';
import path from 'node:path';

import { type ProviderExchange } from '../http/http-client.js';

/** JSON keys whose values identify a person, an account or a machine, or grant access. */
const SENSITIVE_KEY = /(api[_-]?key|token|secret|password|passwd|auth|email|ssh[_-]?key|public[_-]?key|private[_-]?key|jupyter|username|login|account[_-]?id|user[_-]?id|^key$)/i;
const IPV4 = /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g;
const IPV6 = /\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b/gi;
/** A documentation address (RFC 5737): keeps the field an IP, so recorded payloads still parse. */
const IP_PLACEHOLDER = '192.0.2.1';

function redactString(value: string): string {
  return value.replace(IPV4, IP_PLACEHOLDER).replace(IPV6, '2001:db8::1');
}

/** Deep copy with credentials, personal data and IP addresses replaced; shapes and types are kept. */
export function redactPayload(value: unknown): unknown {
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map(redactPayload);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, SENSITIVE_KEY.test(key) && inner !== null && typeof inner !== 'object' ? '[redacted]' : redactPayload(inner)]),
    );
  }
  return value;
}

function redactBody(body: string | null): unknown {
  if (body === null || body.trim() === '') return null;
  try {
    return redactPayload(JSON.parse(body) as unknown);
  } catch {
    return redactString(body);
  }
}

function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    for (const name of [...url.searchParams.keys()]) if (SENSITIVE_KEY.test(name)) url.searchParams.set(name, '[redacted]');
    return redactString(url.toString());
  } catch {
    return redactString(raw);
  }
}

/**
 * Record mode: writes every vendor request/response pair as one JSON file under
 * `<dir>/<provider>/`, redacted (keys, tokens, SSH keys, e-mail addresses, IPs), so real traffic
 * can become test fixtures (docs/providers.md, "Contributing real payloads").
 */
export function createExchangeRecorder(dir: string, options: { now?: () => Date } = {}): (exchange: ProviderExchange) => void {
  let sequence = 0;
  return (exchange) => {
    sequence++;
    const at = (options.now?.() ?? exchange.sentAt).toISOString().replace(/[:.]/g, '-');
    const folder = path.join(dir, exchange.provider);
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, `${at}-${String(sequence).padStart(4, '0')}-${exchange.operation}.json`);
    const record = {
      provider: exchange.provider,
      operation: exchange.operation,
      recorded_at: exchange.sentAt.toISOString(),
      duration_ms: Math.round(exchange.durationMs),
      request: { method: exchange.request.method, url: redactUrl(exchange.request.url), headers: exchange.request.headers, body: redactBody(exchange.request.body) },
      response: exchange.response
        ? { status: exchange.response.status, headers: exchange.response.headers, body: redactBody(exchange.response.body) }
        : null,
      error: exchange.error,
    };
    fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  };
}
