/** Structured log fields. Secrets never go in here: loggers also redact known secret keys, as a backstop. */
export type LogFields = Readonly<Record<string, unknown>>;

/** Port: the one logging interface; nothing in the project imports a logging library directly. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const noopLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => noopLogger,
};

const SECRET_KEY = /(api[_-]?key|token|secret|password|authorization|private[_-]?key|bearer)/i;
const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;

/**
 * Replaces values under secret-looking keys and private keys or bearer tokens inside strings with
 * `[REDACTED]`. Loggers call this on every record so one careless field cannot leak a key.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[TRUNCATED]';
  if (typeof value === 'string') {
    return value.replace(PRIVATE_KEY_BLOCK, '[REDACTED PRIVATE KEY]').replace(BEARER, '$1 [REDACTED]');
  }
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: redactSecrets(value.message, depth + 1) };
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && v !== undefined && v !== null ? '[REDACTED]' : redactSecrets(v, depth + 1);
  }
  return out;
}
