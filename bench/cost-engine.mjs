// Cost-engine throughput: prices a realistic mix of calls (plain, cached, tiered, reasoning, audio, per-request)
// with the pure engine, bundled from libs/shared/cost-engine with esbuild. Prints prices per second (best of 5 runs).
// Usage: npm run bench:cost-engine [-- --calls 400000]
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CALLS = arg('calls', 400_000);

const dir = mkdtempSync(join(tmpdir(), 'mph-engine-'));
const out = join(dir, 'engine.mjs');
buildSync({
  // ENGINE_SRC: another checkout's engine (e.g. the previous release) for a before/after on the same machine.
  entryPoints: [process.env.ENGINE_SRC ?? 'libs/shared/cost-engine/src/index.ts'],
  bundle: true,
  format: 'esm',
  platform: 'node',
  outfile: out,
  logLevel: 'error',
});
const engine = await import(pathToFileURL(out).href);
rmSync(dir, { recursive: true, force: true });

const prices = [
  {
    currency: 'USD',
    components: [
      { unit: 'input', amount: '2.5' },
      { unit: 'output', amount: '10' },
      { unit: 'cache_read', amount: '1.25' },
    ],
  },
  {
    currency: 'USD',
    components: [
      { unit: 'input', amount: '3' },
      { unit: 'output', amount: '15' },
      { unit: 'cache_read', amount: '0.3' },
      { unit: 'cache_write', amount: '3.75' },
      { unit: 'cache_write_1h', amount: '6' },
    ],
  },
  {
    currency: 'USD',
    components: [
      { unit: 'input', amount: '1.25' },
      { unit: 'output', amount: '10' },
      { unit: 'input', amount: '2.5', prompt_tokens_above: 200000 },
      { unit: 'output', amount: '15', prompt_tokens_above: 200000 },
      { unit: 'cache_read', amount: '0.31' },
    ],
  },
  {
    currency: 'USD',
    components: [
      { unit: 'input', amount: '1' },
      { unit: 'output', amount: '1' },
      { unit: 'request', amount: '0.005' },
    ],
  },
];
const usages = [
  { input_tokens: 1200, output_tokens: 300 },
  { input_tokens: 100000, cache_read_tokens: 80000, cache_write_tokens: 10000, output_tokens: 1000 },
  { input_tokens: 250000, cache_read_tokens: 10000, output_tokens: 2000, output_reasoning_tokens: 500 },
  { input_tokens: 512, output_tokens: 64 },
];
const at = new Date('2026-06-01T12:00:00Z');
const runOnce = () => {
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (let i = 0; i < CALLS; i++) {
    const k = i & 3;
    engine.calculateCost(usages[k], prices[k], at);
    n++;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return n / s;
};
runOnce();
const rates = [];
for (let r = 0; r < 5; r++) rates.push(runOnce());
rates.sort((a, b) => b - a);
console.log(
  `cost engine: ${CALLS.toLocaleString('en-US')} calls per run, best ${Math.round(rates[0]).toLocaleString('en-US')} prices/s, median ${Math.round(rates[2]).toLocaleString('en-US')} prices/s`,
);
