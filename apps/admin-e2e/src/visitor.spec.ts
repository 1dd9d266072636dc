import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { expectAccessible } from './a11y';

const shots = join(__dirname, '../../../dist/e2e');

for (const size of [
  { name: 'desktop', viewport: { width: 1440, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
]) {
  test.describe(`a visitor on a ${size.name}`, () => {
    // axe-core is injected as a script: the test's browser context lets it past the console's CSP (the app keeps it).
    test.use({ viewport: size.viewport, bypassCSP: true });

    test('home → search by price → model page → calculator → compare', async ({ page }) => {
      await page.goto('/');
      await expect(page.getByRole('heading', { name: 'What does it cost?' })).toBeVisible();
      await expect(page.getByTestId('home-cheapest')).toContainText('$');
      await expect(page.getByTestId('home-changes')).toContainText('openai/o3');
      await expectAccessible(page, `home (${size.name})`);
      await page.screenshot({ path: join(shots, `home-${size.name}.png`), fullPage: true });

      // Search, then narrow by price: input at most $1 per 1M, cheapest first; the price is on every row.
      await page.getByTestId('home-search').fill('llama');
      await page.getByTestId('home-search').press('Enter');
      await expect(page).toHaveURL(/\/catalog\?q=llama$/);
      if (size.name === 'phone') await page.getByTestId('toggle-filters').click();
      await page.getByTestId('filter-max-input').fill('1');
      await page.getByTestId('filter-max-input').press('Enter');
      await expect(page).toHaveURL(/max_input_price=1/);
      await page.getByTestId('sort').click();
      await page.getByRole('option', { name: 'Cheapest' }).click();
      await expect(page).toHaveURL(/sort=price/);
      await expect(page.getByTestId('price-meta-llama/Llama-3.1-8B-Instruct')).toContainText('$0.02');
      await expect(page.getByTestId('price-meta-llama/Llama-3.1-8B-Instruct')).toContainText('$0.05');
      await expectAccessible(page, `catalog (${size.name})`);
      // Nothing overflows sideways on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(shots, `catalog-${size.name}.png`), fullPage: true });

      // Pick two rows for Compare before opening one.
      await page.getByTestId('select-meta-llama/Llama-3.1-8B-Instruct').click();
      await page.getByTestId('select-meta-llama/Llama-3.3-70B-Instruct').click();
      await expect(page.getByTestId('compare-bar')).toContainText('2 selected');

      await page.getByRole('link', { name: 'Llama 3.1 8B Instruct' }).click();
      await expect(page.getByTestId('offerings-table')).toBeVisible();
      await expect(page.getByTestId('price-openrouter')).toHaveText(/\$0\.02/);
      // The calculator prices the example usage at each provider, cheapest first.
      const results = page.getByTestId('calc-results');
      await expect(results.locator('li').first()).toContainText('$');
      await page.getByTestId('calc-input').fill('1000000');
      await page.getByTestId('calc-output').fill('1000000');
      await page.getByTestId('calc-run').click();
      await expect(results.locator('li').first()).toContainText('$0.07');
      await page.getByTestId('expand-together').click();
      await expect(page.getByTestId('detail-together')).toContainText('input');
      await expectAccessible(page, `model page (${size.name})`);
      await page.screenshot({ path: join(shots, `model-${size.name}.png`), fullPage: true });

      await page.goBack();
      await page.getByTestId('compare-selected').click();
      await expect(page).toHaveURL(/\/catalog\/compare\?ids=/);
      const table = page.getByTestId('compare-table');
      await expect(table).toContainText('Cheapest input / 1M');
      await expect(table).toContainText('$0.02');
      await expect(page.getByTestId('calc-results')).toContainText('Llama-3.3-70B-Instruct');
      // A third model, picked by search.
      await page.getByTestId('compare-search').fill('qwen');
      await page.getByRole('option', { name: /Qwen\/Qwen2\.5-7B-Instruct$/ }).click();
      await expect(page.getByTestId('compare-chips')).toContainText('Qwen/Qwen2.5-7B-Instruct');
      await expect(table).toContainText('Qwen');
      await expectAccessible(page, `compare (${size.name})`);
      await page.screenshot({ path: join(shots, `compare-${size.name}.png`), fullPage: true });
    });
  });
}

test('an open front page shows a price change as it lands, past the browser’s cached copy, without a reload', async ({
  page,
  request,
}) => {
  await page.goto('/');
  const changes = page.getByTestId('home-changes');
  await expect(changes).toContainText('openai/o3');
  // The visitor's browser holds the public answers for 60 s (max-age): a plain re-read would show them again.
  const cached = await page.evaluate(async () => (await fetch('/api/v1/prices/recent-changes?limit=8')).status);
  expect(cached).toBe(200);

  const { access_token: token } = await (
    await request.post('/api/v1/auth/login', { data: { email: 'admin@e2e.local', password: 'e2e-admin-password' } })
  ).json();
  const prices = await (await request.get('/api/v1/models/openai/gpt-4o-mini/prices')).json();
  const offering = prices.data.find((d: { offering: { provider: string } }) => d.offering.provider === 'openai');
  const saved = await request.post(`/api/v1/offerings/${offering.offering.id}/prices`, {
    headers: { authorization: `Bearer ${token}` },
    data: {
      reason: 'home live update e2e',
      components: [
        { unit: 'input', amount: '0.1234' },
        { unit: 'output', amount: '0.6' },
      ],
    },
  });
  expect(saved.status()).toBe(200);
  await expect(changes).toContainText('$0.1234');
  await expect(changes).toContainText('openai/gpt-4o-mini');
});
