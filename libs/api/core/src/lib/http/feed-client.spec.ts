import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { checkFeedUrl, fetchFeed, FeedFetchError, hostAllowed, isPrivateAddress } from './feed-client';

describe('feed client SSRF guard', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['64:ff9b::a9fe:a9fe', true],
    ['2002:7f00:1::', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['8.8.8.8', false],
    ['104.18.2.3', false],
    ['2606:4700::1111', false],
  ])('%s private: %s', (address, expected) => expect(isPrivateAddress(address)).toBe(expected));

  it.each([
    'http://127.0.0.1/x',
    'http://2130706433/x',
    'http://0x7f000001/x',
    'http://017700000001/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://[::1]/x',
    'http://169.254.169.254/latest/meta-data',
    'file:///etc/passwd',
    'gopher://example.com/',
    'http://user:pass@example.com/',
  ])('refuses %s before connecting', (url) => {
    expect(() => checkFeedUrl(url, [])).toThrow(FeedFetchError);
  });

  it('says what to do when the network is not there', async () => {
    await expect(
      fetchFeed('http://no-such-host.invalid/feed.json', {
        timeoutMs: 5000,
        maxBytes: 1000,
        retries: 0,
        allowedHosts: [],
      }),
    ).rejects.toMatchObject({ kind: 'network', message: expect.stringContaining('no network or the host is down') });
  });

  it('lets an allow-listed host through', () => {
    expect(checkFeedUrl('http://127.0.0.1:8080/feed.json', ['127.0.0.1']).port).toBe('8080');
  });

  it('allow-lists by host and port: host:port opens that port only, not the machine', () => {
    const allowed = ['127.0.0.1:8000', '[::1]:11434', 'mirror.lan'];
    expect(checkFeedUrl('http://127.0.0.1:8000/v1', allowed).port).toBe('8000');
    for (const url of ['http://127.0.0.1:8001/v1', 'http://127.0.0.1/v1', 'http://[::1]:22/']) {
      expect(() => checkFeedUrl(url, allowed)).toThrow(FeedFetchError);
    }
    expect(checkFeedUrl('http://[::1]:11434/api', allowed).hostname).toBe('[::1]');
    expect(hostAllowed('mirror.lan', allowed, '443')).toBe(true);
    expect(hostAllowed('MIRROR.LAN', allowed, '1')).toBe(true);
    expect(hostAllowed('127.0.0.1', allowed, '8000')).toBe(true);
    expect(hostAllowed('127.0.0.1', allowed, undefined)).toBe(false);
    expect(hostAllowed('[::1]', allowed, '11434')).toBe(true);
    expect(hostAllowed('::1', ['::1'], '5432')).toBe(true);
  });

  it('refuses a DNS name that resolves to loopback, at connect time', async () => {
    await expect(
      fetchFeed('http://localhost:9/feed.json', { timeoutMs: 2000, maxBytes: 1000, retries: 0, allowedHosts: [] }),
    ).rejects.toMatchObject({ kind: 'blocked', message: expect.stringMatching(/resolves to .*private or loopback/) });
  });
});

describe('fetchFeed against a local server', () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];
  let flaky = 0;

  beforeAll(async () => {
    server = createServer((req, res): void => {
      hits.push(req.url ?? '');
      if (req.url === '/ok') {
        res.end('{"ok":true}');
        return;
      }
      if (req.url === '/gzip') {
        res.setHeader('content-encoding', 'gzip');
        res.end(gzipSync('{"zipped":true}'));
        return;
      }
      if (req.url === '/flaky') {
        flaky++;
        res.statusCode = flaky < 3 ? 503 : 200;
        res.end(flaky < 3 ? 'busy' : '{"third":true}');
        return;
      }
      if (req.url === '/500') {
        res.statusCode = 500;
        res.end('boom');
        return;
      }
      if (req.url === '/big') {
        res.end('x'.repeat(5000));
        return;
      }
      if (req.url === '/truncated') {
        res.setHeader('content-length', '1000');
        res.write('{"partial": ');
        setImmediate(() => res.socket?.destroy());
        return;
      }
      if (req.url === '/redirect-private') {
        res.statusCode = 302;
        res.setHeader('location', 'http://127.0.0.2/secret');
        res.end();
        return;
      }
      if (req.url === '/slow') return; // never answers
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  const opts = { timeoutMs: 300, maxBytes: 1000, retries: 2, retryBaseMs: 5, allowedHosts: ['127.0.0.1'] };

  it('fetches, gunzips and retries 5xx with backoff', async () => {
    expect((await fetchFeed(`${base}/ok`, opts)).body.toString()).toBe('{"ok":true}');
    expect((await fetchFeed(`${base}/gzip`, opts)).body.toString()).toBe('{"zipped":true}');
    const flakyRes = await fetchFeed(`${base}/flaky`, opts);
    expect([flakyRes.body.toString(), flakyRes.attempts]).toEqual(['{"third":true}', 3]);
  });

  it.each([
    ['/500', 'http'],
    ['/big', 'too-large'],
    ['/truncated', 'truncated'],
    ['/slow', 'timeout'],
    ['/redirect-private', 'blocked'],
  ])('%s fails as %s', async (path, kind) => {
    await expect(fetchFeed(`${base}${path}`, { ...opts, retries: 1 })).rejects.toMatchObject({ kind });
  });

  it('does not follow a redirect to a non-allow-listed private address', async () => {
    const before = hits.length;
    await expect(fetchFeed(`${base}/redirect-private`, opts)).rejects.toMatchObject({
      kind: 'blocked',
      message: expect.stringContaining('127.0.0.2'),
    });
    expect(hits.length).toBe(before + 1);
  });
});
