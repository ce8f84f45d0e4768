/**
 * A logger the SDK writes to: any object with these four methods (console, pino, winston…).
 * Messages come first, structured fields (never secrets) second.
 */
export interface Logger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

/** How much the SDK logs: `off`, or a threshold from `error` (least) to `debug` (most). */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

const LEVEL_RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** Quiet unless something is wrong, like openai-node. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'warn';

/** Whether a value (an option, an env variable) names a log level. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.hasOwn(LEVEL_RANK, value);
}

const noop = (): void => undefined;

/** The console, as a Logger; the default when none is given. */
export const consoleLogger: Logger = {
  error: (message, ...rest) => console.error(message, ...rest),
  warn: (message, ...rest) => console.warn(message, ...rest),
  info: (message, ...rest) => console.info(message, ...rest),
  debug: (message, ...rest) => console.debug(message, ...rest),
};

/** A Logger that drops every call above `level`, so call sites never check the level themselves. */
export function levelledLogger(logger: Logger, level: LogLevel): Logger {
  const enabled = (wanted: LogLevel) => LEVEL_RANK[wanted] <= LEVEL_RANK[level];
  const prefix = '[gpu-shopper]';
  return {
    error: enabled('error') ? (message, ...rest) => logger.error(`${prefix} ${message}`, ...rest) : noop,
    warn: enabled('warn') ? (message, ...rest) => logger.warn(`${prefix} ${message}`, ...rest) : noop,
    info: enabled('info') ? (message, ...rest) => logger.info(`${prefix} ${message}`, ...rest) : noop,
    debug: enabled('debug') ? (message, ...rest) => logger.debug(`${prefix} ${message}`, ...rest) : noop,
  };
}

/**
 * Resolves the level: the option, else `GPU_SHOPPER_LOG`, else `warn`. An invalid value is reported
 * through the logger and ignored, because a typo in a log setting must not break the caller's program.
 */
export function resolveLogLevel(option: unknown, env: string | undefined, logger: Logger): LogLevel {
  const levelled = levelledLogger(logger, DEFAULT_LOG_LEVEL);
  const warn = (message: string) => levelled.warn(message);
  if (option !== undefined) {
    if (isLogLevel(option)) return option;
    warn(`logLevel option ${JSON.stringify(option)} is not one of ${Object.keys(LEVEL_RANK).join(', ')}; using the default`);
  }
  if (env !== undefined) {
    const lower = env.toLowerCase();
    if (isLogLevel(lower)) return lower;
    warn(`GPU_SHOPPER_LOG=${JSON.stringify(env)} is not one of ${Object.keys(LEVEL_RANK).join(', ')}; using the default`);
  }
  return DEFAULT_LOG_LEVEL;
}

const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** Headers as a plain object for debug logs, with credentials replaced. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '***' : value;
  });
  return out;
}
