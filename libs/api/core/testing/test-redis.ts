import { connect } from 'node:net';
import { loadConfig } from '../src';

/**
 * A Redis for tests: REDIS_URL when set, else the machine's 127.0.0.1:6379 when it answers, else undefined.
 * CI machines always have one (and `CI` is set there), so tests may require it under CI.
 */
export function testRedisUrl(): Promise<string | undefined> {
  const url = loadConfig().redis.url ?? 'redis://127.0.0.1:6379';
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(u.port || 6379), u.hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(url);
    });
    socket.once('error', () => resolve(undefined));
  });
}

export const runningInCi = (): boolean => Boolean(process.env['CI']);
