import { redactSecrets, type LogFields, type Logger, type LogLevel } from '../logging/logger.js';

export interface LogRecord {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** Keeps every record (redacted, as a real logger writes it) so tests can assert on logs. */
export class MemoryLogger implements Logger {
  constructor(
    readonly records: LogRecord[] = [],
    private readonly bound: LogFields = {},
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }
  child(fields: LogFields): Logger {
    return new MemoryLogger(this.records, { ...this.bound, ...fields });
  }

  /** Every record as one string, for "this secret never appears" assertions. */
  dump(): string {
    return JSON.stringify(this.records);
  }

  private write(level: LogLevel, message: string, fields?: LogFields): void {
    const redacted = redactSecrets({ ...this.bound, ...fields });
    this.records.push({ level, message: String(redactSecrets(message)), fields: redacted as Record<string, unknown> });
  }
}
