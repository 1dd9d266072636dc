import type { NextFunction, Request, Response } from 'express';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Angular's bundle names carry a content hash (`main-SYZH2PND.js`): such a file never changes under its name. */
const HASHED = /-[A-Z0-9]{8}\.(js|css)$/;

/**
 * Serves the console's text assets gzip-compressed to clients that accept it (the bundles shrink about five times),
 * compressing each file once and keeping it in memory (the build is a few MB at most). Hashed bundles are cached by
 * browsers for a year; everything else (and clients without gzip) falls through to the plain static handler.
 */
export function gzippedAssets(dir: string): (req: Request, res: Response, next: NextFunction) => void {
  const root = resolve(dir);
  const compressed = new Map<string, Promise<Buffer | null>>();
  const load = (file: string) => {
    let entry = compressed.get(file);
    if (!entry) {
      entry = stat(file)
        .then((s) => (s.isFile() ? readFile(file).then((b) => gzipAsync(b, { level: 9 })) : null))
        .catch(() => null);
      compressed.set(file, entry);
      // Only files that exist stay: made-up names (any client can ask for /x-123.js) must not grow the map.
      void entry.then((body) => {
        if (!body) compressed.delete(file);
      });
    }
    return entry;
  };
  return (req, res, next) => {
    const type = TYPES[extname(req.path)];
    if (!type || !/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return next();
    let file: string;
    try {
      file = resolve(root, `.${decodeURIComponent(req.path)}`);
    } catch {
      return next();
    }
    if (!file.startsWith(root + sep)) return next();
    load(file).then(
      (body) => {
        if (!body) return next();
        res.setHeader('Content-Type', type);
        res.setHeader('Content-Encoding', 'gzip');
        res.setHeader('Vary', 'Accept-Encoding');
        res.setHeader('Content-Length', body.length);
        res.setHeader(
          'Cache-Control',
          HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
        );
        if (req.method === 'HEAD') res.end();
        else res.end(body);
      },
      () => next(),
    );
  };
}
