// npm run api:client        regenerates openapi/openapi.json from the API's metadata and the Angular client
//                           in libs/admin/api-client/src/lib/generated from it.
// npm run api:client:check  regenerates both into a temporary directory and fails when the committed files differ.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const SPEC = join(root, 'openapi/openapi.json');
const CLIENT_LIB = join(root, 'libs/admin/api-client');
const CLIENT = join(CLIENT_LIB, 'src/lib/generated');

function run(cmd, args, cwd = root) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status}).`);
    process.exit(1);
  }
}

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

run('npx', ['nx', 'build', 'api', '--output-style=static']);
const work = mkdtempSync(join(tmpdir(), 'mph-api-client-'));
try {
  const spec = check ? join(work, 'openapi.json') : SPEC;
  run('node', ['dist/apps/api/cli.js', 'openapi', '--out', spec]);
  const out = check ? join(work, 'generated') : CLIENT;
  run('npx', ['ng-openapi-gen', '-c', 'ng-openapi-gen.json', '-i', spec, '-o', out], CLIENT_LIB);

  if (!check) {
    console.log(`Regenerated ${relative(root, SPEC)} and ${relative(root, CLIENT)}.`);
    process.exit(0);
  }
  const problems = [];
  if (readFileSync(spec, 'utf8') !== readFileSync(SPEC, 'utf8')) problems.push('openapi/openapi.json');
  const fresh = new Map(files(out).map((f) => [relative(out, f), readFileSync(f, 'utf8')]));
  const committed = new Map(files(CLIENT).map((f) => [relative(CLIENT, f), readFileSync(f, 'utf8')]));
  for (const [name, text] of fresh) {
    if (!committed.has(name)) problems.push(`client: missing ${name}`);
    else if (committed.get(name) !== text) problems.push(`client: outdated ${name}`);
  }
  for (const name of committed.keys()) if (!fresh.has(name)) problems.push(`client: stale ${name}`);
  if (problems.length) {
    console.error(
      `The OpenAPI document or the generated client is out of date with the API:\n  ${problems.join('\n  ')}`,
    );
    console.error('Run "npm run api:client" and commit the result with the endpoint change.');
    process.exit(1);
  }
  console.log('openapi/openapi.json and the generated client match the API.');
} finally {
  rmSync(work, { recursive: true, force: true });
}
