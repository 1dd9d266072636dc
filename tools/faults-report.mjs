// npm run report:faults: runs the suites that inject faults (feeds, upstream LLMs, the database) and gathers what each
// case proves into one report: dist/reports/faults.md (and a summary on stdout). Exits non-zero if any case fails.
// Needs what the API tests need: DATABASE_URL, or nothing (an embedded PostgreSQL is started for the run).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const GROUPS = [
  {
    title: 'Vendor feeds',
    intro:
      'Transport faults (timeouts, 5xx with retries, oversized or truncated bodies, redirects, private addresses), broken formats per adapter, and feeds that shrink, zero or jump prices (quarantined for approval).',
    files: [
      'libs/api/core/src/lib/http/feed-client.spec.ts',
      'libs/api/pricing/src/lib/sync/adapters/adapters.spec.ts',
      'libs/api/pricing/test/sync.integration.spec.ts',
    ],
  },
  {
    title: 'Upstream LLM providers (gateway and chat)',
    intro:
      'Rate limits and retries, failover between connections, circuit breakers, streams that drop mid-way, clients that go away, budgets.',
    files: ['libs/api/chat/test/gateway.integration.spec.ts', 'libs/api/chat/test/chat.integration.spec.ts'],
  },
  {
    title: 'Database',
    intro:
      'A cut connection, and PostgreSQL restarted under ingest load (503s, recovery, no lost or duplicated event).',
    files: ['libs/api/core/test/health.integration.spec.ts', 'apps/api/test/hardening/db-restart.integration.spec.ts'],
  },
];

mkdirSync('dist/reports', { recursive: true });
const json = 'dist/reports/faults.json';
const files = GROUPS.flatMap((g) => g.files);
console.log(`faults: running ${files.length} suites …`);
// A report from an earlier run must never stand in for this one.
rmSync(json, { force: true });
const run = spawnSync('npx', ['jest', '--silent', '--json', `--outputFile=${json}`, ...files], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (run.error || !existsSync(json)) {
  console.error(`faults: jest did not run (${run.error?.message ?? `exit ${run.status}, no ${json}`}); see above.`);
  process.exit(1);
}
const results = JSON.parse(readFileSync(json, 'utf8'));
const byFile = new Map(results.testResults.map((r) => [relative(process.cwd(), r.name), r]));

const lines = ['# Fault report', '', `Generated ${new Date().toISOString()} by \`npm run report:faults\`.`, ''];
let passed = 0;
let failed = 0;
for (const group of GROUPS) {
  lines.push(`## ${group.title}`, '', group.intro, '', '| suite | case | result |', '| --- | --- | --- |');
  for (const file of group.files) {
    const suite = byFile.get(file);
    if (!suite) {
      lines.push(`| ${file} | (did not run) | ✘ |`);
      failed++;
      continue;
    }
    for (const t of suite.assertionResults) {
      const ok = t.status === 'passed';
      if (ok) passed++;
      else failed++;
      const name = [...t.ancestorTitles, t.title].join(' › ').replace(/\|/g, '\\|');
      lines.push(`| ${file.split('/').pop()} | ${name} | ${ok ? '✓' : `✘ ${t.status}`} |`);
    }
  }
  lines.push('');
}
lines.push(`**${passed} cases survived, ${failed} failed.**`, '');
writeFileSync('dist/reports/faults.md', lines.join('\n'));
console.log(`faults: ${passed} cases passed, ${failed} failed; report in dist/reports/faults.md`);
process.exit(failed || run.status ? 1 : 0);
