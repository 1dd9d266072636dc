import { realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The local path of a `file://` source, if it lies inside SYNC_FILE_DIR (links resolved, so `..` or a symlink
 * cannot leave it). Throws with a message for the operator otherwise.
 */
export function fileSourcePath(url: string, fileDir: string): string {
  if (!fileDir) {
    throw new Error('file:// sources are off on this server; set SYNC_FILE_DIR to the directory they may read.');
  }
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    throw new Error(`"${url.slice(0, 200)}" is not a file URL (file:///absolute/path).`);
  }
  const root = realpathSync(resolve(fileDir));
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    // Not there yet: check the directory it would be in.
    real = resolve(realpathSync(dirname(path)), path.slice(path.lastIndexOf(sep) + 1));
  }
  if (real !== root && !real.startsWith(root + sep)) {
    throw new Error(`${path} is outside SYNC_FILE_DIR (${root}); file sources may only read inside it.`);
  }
  return real;
}

/** Reads a file source, refusing one larger than the feed size limit. */
export async function readFileSource(path: string, maxBytes: number): Promise<Buffer> {
  const size = statSync(path).size;
  if (size > maxBytes) throw new Error(`${path} has ${size} bytes; the limit is ${maxBytes} (SYNC_MAX_BYTES).`);
  return readFile(path);
}
