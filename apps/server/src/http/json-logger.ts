import { LOG_LEVELS, redactSecrets, type LogFields, type LogLevel, type Logger } from '@gpu-shopper/core';

/** One JSON object per line on the given stream, redacted before it is written. */
export class JsonLogger implements Logger {
  private readonly threshold: number;

  constructor(
    private readonly level: LogLevel,
    private readonly write: (line: string) => void = (line) => process.stderr.write(line),
    private readonly bound: LogFields = {},
  ) {
    this.threshold = LOG_LEVELS.indexOf(level);
  }

  debug(message: string, fields?: LogFields): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log('error', message, fields);
  }
  child(fields: LogFields): Logger {
    return new JsonLogger(this.level, this.write, { ...this.bound, ...fields });
  }

  private log(level: LogLevel, message: string, fields?: LogFields): void {
    if (LOG_LEVELS.indexOf(level) < this.threshold) return;
    const record = redactSecrets({ time: new Date().toISOString(), level, msg: message, ...this.bound, ...fields });
    this.write(`${JSON.stringify(record)}\n`);
  }
}
