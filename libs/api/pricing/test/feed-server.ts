import { existsSync, readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

const SHARED = join(__dirname, '../../../../../shared/data');
const FIXTURES = join(__dirname, 'fixtures');

/** A real feed file from ../shared/data, or the project's small fixture in the same format when it is absent. */
export function feedFile(shared: string, fixture: string): { body: string; real: boolean } {
  const real = existsSync(join(SHARED, shared));
  return { body: readFileSync(real ? join(SHARED, shared) : join(FIXTURES, fixture), 'utf8'), real };
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A local HTTP server speaking the feeds' wire format; tests swap what each path answers. */
export class FeedServer {
  readonly routes = new Map<string, Route>();
  readonly hits: string[] = [];
  private server?: Server;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.hits.push(req.url ?? '');
      const route = this.routes.get(req.url ?? '');
      if (route) route(req, res);
      else {
        res.statusCode = 404;
        res.end('not found');
      }
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  json(path: string, body: string | object): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    this.routes.set(path, (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(text);
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
