import type { Logger } from '@nestjs/common';
import { OutageLog } from './outage-log';

describe('OutageLog', () => {
  function fakeLogger() {
    const lines: string[] = [];
    const logger = { warn: (line: string) => lines.push(`warn ${line}`), log: (line: string) => lines.push(`log ${line}`) };
    return { lines, logger: logger as unknown as Logger };
  }

  it('logs an outage once when it starts and once when it ends', () => {
    const { lines, logger } = fakeLogger();
    const outage = new OutageLog(logger, 'outbox relay', 'retrying');

    outage.recovered();
    for (let attempt = 0; attempt < 50; attempt++) outage.failed(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    expect(outage.isDown).toBe(true);
    outage.recovered();
    outage.recovered();

    expect(lines).toEqual([
      'warn outbox relay failed: connect ECONNREFUSED 127.0.0.1:6379; retrying',
      'log outbox relay recovered after 50 failed attempt(s)',
    ]);
    expect(outage.isDown).toBe(false);
  });

  it('names the first cause of an aggregate error', () => {
    const { lines, logger } = fakeLogger();
    new OutageLog(logger, 'Redis connection', 'reconnecting').failed(new AggregateError([new Error('connect ECONNREFUSED ::1:6379')]));
    expect(lines).toEqual(['warn Redis connection failed: connect ECONNREFUSED ::1:6379; reconnecting']);
  });
});
