import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { mailTuningFromEnv } from '@/lib/mail/worker';

describe('isDatabaseUnavailable', () => {
  it('recognises the ways a query finds PostgreSQL away', () => {
    const cases: unknown[] = [
      Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: 'P1001' }),
      Object.assign(new Error('Server has closed the connection.'), { code: 'P1017' }),
      Object.assign(new Error('x'), { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } } }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      new Error('Connection terminated unexpectedly'),
      new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }),
    ];
    expect(cases.map(isDatabaseUnavailable)).toEqual(cases.map(() => true));
  });

  it('leaves other errors alone', () => {
    const cases: unknown[] = [
      Object.assign(new Error('Unique constraint failed'), { code: 'P2002' }),
      Object.assign(new Error('could not serialize access'), { code: '40001' }),
      new Error('Something else'),
      'a string',
      null,
    ];
    expect(cases.map(isDatabaseUnavailable)).toEqual(cases.map(() => false));
  });
});

describe('mailTuningFromEnv', () => {
  it('reads the documented variables and refuses nonsense', () => {
    expect(mailTuningFromEnv({})).toEqual({ retry: {}, stalledSeconds: undefined });
    expect(
      mailTuningFromEnv({ PORTICO_MAIL_RETRY_DELAY_SECONDS: '1', PORTICO_MAIL_RETRY_DELAY_MAX_SECONDS: '2', PORTICO_MAIL_RETRY_LIMIT: '30', PORTICO_MAIL_STALLED_SECONDS: '10', PORTICO_MAIL_CONCURRENCY: '8' }),
    ).toEqual({ retry: { delaySeconds: 1, delayMaxSeconds: 2, limit: 30 }, stalledSeconds: 10, concurrency: 8 });
    expect(() => mailTuningFromEnv({ PORTICO_MAIL_CONCURRENCY: '0' })).toThrow('PORTICO_MAIL_CONCURRENCY must be a whole number of at least 1 (got "0").');
    expect(() => mailTuningFromEnv({ PORTICO_MAIL_STALLED_SECONDS: '2' })).toThrow('PORTICO_MAIL_STALLED_SECONDS must be a whole number of at least 5 (got "2").');
    expect(() => mailTuningFromEnv({ PORTICO_MAIL_RETRY_DELAY_SECONDS: 'soon' })).toThrow('PORTICO_MAIL_RETRY_DELAY_SECONDS');
  });
});
