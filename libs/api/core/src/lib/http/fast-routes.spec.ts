import { createServer, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { loadConfig } from '../config/app-config';
import { pinoHttpOptions } from '../logging/logging.module';
import { MetricsService } from '../metrics/metrics.service';
import { FastRoutes } from './fast-routes';

describe('FastRoutes access log', () => {
  let server: Server;
  const lines: Record<string, unknown>[] = [];
  let onLine: () => void = () => undefined;
  const previousRoot = PinoLogger.root;

  beforeAll(async () => {
    // The app's own logger settings (its `res` serializer in particular), writing into memory.
    const options = pinoHttpOptions(loadConfig({ LOG_LEVEL: 'info' }));
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        onLine();
        done();
      },
    });
    (PinoLogger as unknown as { root: pino.Logger }).root = pino(
      { level: 'info', serializers: options.serializers },
      sink,
    );
    server = createServer((_req, res) => res.end('pipeline'));
    const fast = new FastRoutes();
    fast.register('POST', '/fast', (_req, res) => {
      res.writeHead(201, { 'content-type': 'text/plain' });
      res.end('fast');
    });
    fast.attach(server, { headers: (_q, _s, next) => next(), metrics: new MetricsService() });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });

  afterAll(async () => {
    (PinoLogger as unknown as { root: pino.Logger }).root = previousRoot;
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('records the status of a request answered on the fast path (it was null)', async () => {
    // The line is written when the response closes, which may come after the client has read it all.
    const logged = new Promise<void>((resolve) => (onLine = resolve));
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/fast?token=s3cret' },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(201);
    await logged;
    const line = lines.find((l) => l['msg'] === 'request completed');
    expect(line).toMatchObject({ req: { method: 'POST', url: '/fast?token=[redacted]' }, res: { status: 201 } });
  });
});
