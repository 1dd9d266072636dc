// npm run bench:paint  (after npm run build; needs Chromium at /usr/bin/chromium or CHROMIUM_PATH, and PostgreSQL at
// BENCH_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres)
// Starts the built API (console included) on a throwaway database with the demo catalog, then loads pages in headless
// Chromium at 1440×900 and 390×844, cold (new browser context: empty cache) and warm (the same context again), and
// prints from the browser's own timing: first contentful paint, largest contentful paint, the moment the page's data
// is on screen (the catalog's first priced row, the home page's cheapest list), and the JavaScript transferred.
// Figures are printed, never asserted.
import { chromium } from 'playwright-core';
import { percentile, requireBuild, startBuiltApi, throwawayDatabase } from './lib.mjs';

requireBuild();
const runs = Number(process.env.BENCH_RUNS ?? 5);
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PAGES = [
  { name: 'catalog', path: '/catalog?sort=price', ready: '[data-testid^="price-"] mph-money' },
  { name: 'home', path: '/', ready: '[data-testid="home-cheapest"] mph-money' },
  { name: 'model', path: '/catalog/models/openai/gpt-4o', ready: '[data-testid="offerings-table"] mph-money' },
];

const db = await throwawayDatabase('bench_paint');
const api = await startBuiltApi(db.url, { CATALOG_DEMO_SEED: 'true' });
const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  for (const viewport of [
    { width: 1440, height: 900 },
    { width: 390, height: 844 },
  ]) {
    for (const p of PAGES) {
      const cold = { fcp: [], lcp: [], ready: [], js: [] };
      const warm = { fcp: [], lcp: [], ready: [], js: [] };
      for (let i = 0; i < runs; i++) {
        const context = await browser.newContext({ viewport });
        for (const into of [cold, warm]) {
          const page = await context.newPage();
          await page.addInitScript(() => {
            window.__lcp = 0;
            new PerformanceObserver((l) => {
              for (const e of l.getEntries()) window.__lcp = e.startTime;
            }).observe({ type: 'largest-contentful-paint', buffered: true });
          });
          await page.goto(api.base + p.path);
          await page.waitForSelector(p.ready);
          const readyAt = await page.evaluate(() => performance.now());
          await page.waitForLoadState('networkidle');
          // Bytes on the wire (compressed; 0 when served from the browser's cache) of every script the page loaded.
          const t = await page.evaluate(() => ({
            fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
            lcp: window.__lcp,
            js: performance
              .getEntriesByType('resource')
              .filter((e) => e.name.endsWith('.js'))
              .reduce((sum, e) => sum + e.transferSize, 0),
          }));
          const js = t.js;
          into.fcp.push(t.fcp);
          into.lcp.push(t.lcp);
          into.ready.push(readyAt);
          into.js.push(js);
          await page.close();
        }
        await context.close();
      }
      for (const [label, m] of [
        ['cold', cold],
        ['warm', warm],
      ]) {
        const med = (xs) => percentile(xs, 50).toFixed(0);
        const max = (xs) => Math.max(...xs).toFixed(0);
        console.log(
          `${p.name.padEnd(8)} ${viewport.width}×${viewport.height} ${label}: FCP p50 ${med(m.fcp)} ms, LCP p50 ` +
            `${med(m.lcp)} ms (max ${max(m.lcp)}), data on screen p50 ${med(m.ready)} ms (max ${max(m.ready)}), ` +
            `JS ${(percentile(m.js, 50) / 1024).toFixed(0)} kB transferred`,
        );
      }
    }
  }
} finally {
  await browser.close();
  await api.stop();
  await db.drop();
}
