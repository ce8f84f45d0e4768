import { PassThrough } from 'node:stream';

import { runWithRequestId } from './request-context.js';
import { WinstonLogger } from './winston-logger.js';

function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'info') {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return { logger: WinstonLogger.create(level, stream), lines, settle: () => new Promise((resolve) => setImmediate(resolve)) };
}

describe('WinstonLogger', () => {
  it('writes one JSON object per line: time, level, msg, then the fields of the logger and the call', async () => {
    const { logger, lines, settle } = capture();
    logger.child({ component: 'provisioning' }).info('session running', { sessionId: 'ses_1' });
    await settle();
    expect(lines).toEqual([{ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: 'info', msg: 'session running', component: 'provisioning', sessionId: 'ses_1' }]);
  });

  it('drops lines below its level', async () => {
    const { logger, lines, settle } = capture('warn');
    logger.debug('noise');
    logger.info('noise');
    logger.warn('kept');
    logger.error('kept too');
    await settle();
    expect(lines.map((l) => l.level)).toEqual(['warn', 'error']);
  });

  it('redacts private keys and bearer tokens wherever they appear', async () => {
    const { logger, lines, settle } = capture();
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----';
    logger.error('request failed', { header: 'Authorization: Bearer gsk_live_secret_value', detail: { nested: [key] }, apiKey: 'gsk_live_secret_value' });
    await settle();
    const text = JSON.stringify(lines);
    expect(text).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ');
    expect(text).not.toContain('gsk_live_secret_value');
    expect(text).toContain('[REDACTED PRIVATE KEY]');
  });

  it('adds the request id of the request the work runs for, also in work started from it', async () => {
    const { logger, lines, settle } = capture();
    await runWithRequestId('req_42', async () => {
      logger.info('in the handler');
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.child({ component: 'saga' }).info('later, in background work');
    });
    logger.info('outside');
    await settle();
    expect(lines.map((l) => [l.msg, l.requestId])).toEqual([
      ['in the handler', 'req_42'],
      ['later, in background work', 'req_42'],
      ['outside', undefined],
    ]);
  });
});
