import { expect, Page } from '@playwright/test';

/** Runs axe-core (from the npm package, injected into the page) and fails on any serious or critical violation. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  // Contrast is judged on what the user ends up seeing: a hint still fading in (a form field's error giving way to
  // its hint) measures as faint text. Wait for every finite CSS animation and transition to end (spinners run on).
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime)))
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<AxeResults> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} — ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(' | ')}`,
      );
  });
  expect(violations, `accessibility violations on ${where}`).toEqual([]);
}

interface AxeResults {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}
