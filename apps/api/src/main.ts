import 'reflect-metadata';
import { ConfigError, loadConfig } from '@mph/api-core';
import { startServer } from './app/server';

async function main(): Promise<void> {
  const startedAt = performance.now();
  const config = loadConfig();
  const server = await startServer(config, (line) => process.stdout.write(`${line}\n`));
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
  process.stdout.write(
    `\nModel Price Hub is running at ${server.url} (started in ${seconds} s)\n` +
      `  console:  ${server.url}/\n  API docs: ${server.url}/api/docs\n` +
      `  database: ${server.database.embedded ? `embedded PostgreSQL (${config.database.embedded.dataDir})` : 'DATABASE_URL'}\n\n`,
  );

  if (config.auth.jwtSecretGenerated) {
    process.stdout.write(
      'Note: JWT_SECRET is not set, so a random one is used: sign-ins end when the app restarts.\n\n',
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal} received: finishing in-flight requests, then stopping.\n`);
    const force = setTimeout(() => {
      process.stderr.write(`Shutdown took longer than ${config.http.shutdownTimeoutMs} ms; exiting anyway.\n`);
      process.exit(1);
    }, config.http.shutdownTimeoutMs);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`Model Price Hub could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
