#!/usr/bin/env node
// Owner-only SQL: a table is read and written only by the lib that owns it; other libs call the owner's exported
// services. This check fails when a table owned by one lib is named in another lib's (or an app's) SQL.
// Usage: node tools/check-sql-ownership.mjs [--list]   (--list prints every reference, owned or not)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Every table and the lib that owns it. A new table must be added here (the check fails on unknown tables). */
export const OWNERS = {
  core: ['job_run'],
  auth: ['users', 'api_keys', 'refresh_tokens', 'audit_events', 'auth_sessions', 'project_members', 'chat_projects'],
  catalog: [
    'vendors',
    'models',
    'offerings',
    'model_stats_daily',
    'model_capability_facts',
    'capability_fact_runs',
    'model_removals',
  ],
  provenance: ['base_model_relations', 'dataset_relations'],
  pricing: [
    'price_versions',
    'price_components',
    'price_locks',
    'offering_match_rules',
    'provider_fallbacks',
    'sync_sources',
    'sync_runs',
    'sync_observations',
    'sync_source_offerings',
    'sync_webhook_deliveries',
    'provider_truth',
    'held_prices',
  ],
  'cost-tracking': [
    'usage_events',
    'usage_daily',
    'usage_adjustments',
    'budgets',
    'budget_periods',
    'budget_reservations',
    'fx_rates',
    'repricing_runs',
  ],
  chat: [
    'chat_sessions',
    'chat_messages',
    'prompts',
    'prompt_versions',
    'provider_connections',
    'connection_models',
    'gateway_limits',
  ],
};
const ownerOf = new Map(Object.entries(OWNERS).flatMap(([lib, tables]) => tables.map((t) => [t, lib])));

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'migrations') continue;
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts') && !p.endsWith('.spec.ts') && !p.endsWith('.d.ts')) yield p;
  }
}

/** The scanned places and the lib each speaks for (apps own no tables). */
function places() {
  const out = [];
  for (const lib of readdirSync(join(root, 'libs/api'))) out.push([join(root, 'libs/api', lib, 'src'), lib]);
  out.push([join(root, 'apps/api/src'), 'app:api']);
  return out;
}

// Every table the migrations create must have an owner here.
const migrationsDir = join(root, 'libs/api/core/src/migrations');
const created = new Set();
for (const f of readdirSync(migrationsDir)) {
  for (const m of readFileSync(join(migrationsDir, f), 'utf8').matchAll(
    /CREATE TABLE (?:IF NOT EXISTS )?"?([a-z_]+)/g,
  )) {
    created.add(m[1]);
  }
}
const ownerless = [...created].filter((t) => !ownerOf.has(t));
if (ownerless.length) {
  console.error(`Owner-only SQL: table(s) without an owner in tools/check-sql-ownership.mjs: ${ownerless.join(', ')}`);
  process.exit(1);
}

const stripComments = (s) => s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
const SQL_REF = /\b(?:FROM|JOIN|INTO|UPDATE|TABLE|EXISTS|TRUNCATE)\s+(?:ONLY\s+)?"?([a-z_][a-z0-9_]*)"?/g;

const refs = [];
for (const [dir, lib] of places()) {
  let list;
  try {
    list = [...files(dir)];
  } catch {
    continue;
  }
  for (const file of list) {
    const text = stripComments(readFileSync(file, 'utf8'));
    for (const m of text.matchAll(SQL_REF)) {
      const table = m[1];
      const owner = ownerOf.get(table);
      if (!owner) continue;
      const line = text.slice(0, m.index).split('\n').length;
      refs.push({ file: relative(root, file), line, lib, table, owner, foreign: owner !== lib });
    }
  }
}

const foreign = refs.filter((r) => r.foreign);
if (process.argv.includes('--list')) {
  for (const r of refs)
    console.log(`${r.foreign ? 'FOREIGN' : 'own    '} ${r.lib} → ${r.table} (${r.owner})  ${r.file}:${r.line}`);
}
if (foreign.length) {
  const pairs = new Map();
  for (const r of foreign) pairs.set(`${r.lib} → ${r.owner}`, (pairs.get(`${r.lib} → ${r.owner}`) ?? 0) + 1);
  console.error(`Owner-only SQL: ${foreign.length} reference(s) to another lib's tables:`);
  for (const [p, n] of pairs) console.error(`  ${p}: ${n}`);
  for (const r of foreign) console.error(`  ${r.file}:${r.line}  ${r.table} is owned by ${r.owner}`);
  console.error("Move the statement into the owner's lib and call its exported service (docs/architecture.md).");
  process.exit(1);
}
console.log(`Owner-only SQL: ${refs.length} table references, each in its owner's lib.`);
