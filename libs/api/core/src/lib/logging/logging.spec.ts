import type { LoggerService } from '@nestjs/common';
import pino from 'pino';
import { Writable } from 'node:stream';
import { loadConfig } from '../config/app-config';
import { pinoHttpOptions, REDACTED_PATHS, safeUrl } from './logging.module';
import { QuietStartupLogger } from './quiet-startup.logger';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
  };
}

describe('logging', () => {
  it('redacts secrets at the top level and one level down', () => {
    const { stream, lines } = capture();
    const log = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream);
    log.info(
      { password: 'p1', user: { email: 'a@b.c', password: 'p2' }, body: { api_key: 'k', refresh_token: 'r' } },
      'x',
    );
    const [line] = lines();
    expect(line['password']).toBe('[redacted]');
    expect(line['user']).toEqual({ email: 'a@b.c', password: '[redacted]' });
    expect(line['body']).toEqual({ api_key: '[redacted]', refresh_token: '[redacted]' });
  });

  it('logs requests without headers and with secret query values masked', () => {
    const options = pinoHttpOptions(loadConfig({}));
    const serializers = options.serializers as Record<string, (v: unknown) => unknown>;
    expect(
      serializers['req']({
        method: 'GET',
        url: '/api/v1/models?q=llama&api_key=sk-123&page=2',
        headers: { authorization: 'Bearer x' },
      }),
    ).toEqual({
      method: 'GET',
      url: '/api/v1/models?q=llama&api_key=[redacted]&page=2',
    });
    expect(safeUrl('/x?token=abc#frag')).toBe('/x?token=[redacted]#frag');
    expect(safeUrl(undefined)).toBeUndefined();
  });

  it('keeps probes quiet and failures loud', () => {
    const level = pinoHttpOptions(loadConfig({})).customLogLevel as (
      req: { url: string },
      res: { statusCode: number },
      err?: Error,
    ) => string;
    expect(level({ url: '/api/v1/health/ready' }, { statusCode: 200 })).toBe('debug');
    expect(level({ url: '/metrics' }, { statusCode: 200 })).toBe('debug');
    expect(level({ url: '/api/v1/jobs' }, { statusCode: 200 })).toBe('info');
    expect(level({ url: '/api/v1/jobs' }, { statusCode: 404 })).toBe('warn');
    expect(level({ url: '/api/v1/jobs' }, { statusCode: 500 })).toBe('error');
    expect(level({ url: '/api/v1/health/ready' }, { statusCode: 200 }, new Error('x'))).toBe('error');
  });

  it('demotes Nest start-up lines to debug and passes everything else through', () => {
    const calls: string[] = [];
    const inner: LoggerService = {
      log: (m: string) => calls.push(`log:${m}`),
      error: (m: string) => calls.push(`error:${m}`),
      warn: (m: string) => calls.push(`warn:${m}`),
      debug: (m: string) => calls.push(`debug:${m}`),
      verbose: (m: string) => calls.push(`verbose:${m}`),
    };
    const quiet = new QuietStartupLogger(inner);
    quiet.log('AppModule dependencies initialized', 'InstanceLoader');
    quiet.log('Applied 1 migration', 'Database');
    quiet.warn('w');
    quiet.error('e');
    quiet.debug('d');
    quiet.verbose('v');
    quiet.fatal('f');
    expect(calls).toEqual([
      'debug:AppModule dependencies initialized',
      'log:Applied 1 migration',
      'warn:w',
      'error:e',
      'debug:d',
      'verbose:v',
      'error:f',
    ]);
  });
});
