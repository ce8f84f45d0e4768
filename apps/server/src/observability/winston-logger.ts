import { type Writable } from 'node:stream';

import winston from 'winston';

import { redactSecrets, type LogFields, type LogLevel, type Logger } from '@gpu-shopper/core';

import { currentRequestId } from './request-context.js';

/** Lower is more severe, as winston counts; names are core's. */
const LEVELS: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/**
 * One JSON object per line: `time`, `level`, `msg`, the request id of the request the work runs for
 * (when there is one), then the fields — every value passed through `redactSecrets`, so a private
 * key or bearer token that reaches a log call is masked before it is written.
 */
const jsonLine = winston.format.printf((info) => {
  const { level, message, timestamp, ...fields } = info;
  const requestId = currentRequestId();
  const record = redactSecrets({ time: timestamp, level, msg: message, ...(requestId && fields.requestId === undefined ? { requestId } : {}), ...fields });
  return JSON.stringify(record);
});

/** core's `Logger` port on winston. `child()` binds fields (component, session id…) to every line. */
export class WinstonLogger implements Logger {
  private constructor(private readonly logger: winston.Logger) {}

  static create(level: LogLevel, stream: Writable = process.stderr): WinstonLogger {
    return new WinstonLogger(
      winston.createLogger({
        level,
        levels: LEVELS,
        format: winston.format.combine(winston.format.timestamp(), jsonLine),
        transports: [new winston.transports.Stream({ stream })],
      }),
    );
  }

  debug(message: string, fields?: LogFields): void {
    // Checked here: winston filters levels only after pushing the entry through its stream, a cost
    // every request (one access-log line at debug) would pay with debug off.
    if (!this.logger.isLevelEnabled('debug')) return;
    this.logger.log('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.logger.log('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.logger.log('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.logger.log('error', message, fields);
  }
  child(fields: LogFields): Logger {
    return new WinstonLogger(this.logger.child(fields));
  }

}
