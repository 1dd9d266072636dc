import { expect, test } from '@playwright/test';
import { join } from 'node:path';

test('the console loads and its status page shows the API and the database, read through the API', async ({ page }) => {
  const statusCall = page.waitForResponse((r) => r.url().endsWith('/api/v1/status'));
  await page.goto('/');
  await expect(page).toHaveURL(/\/admin\/status$/);
  const response = await statusCall;
  expect(response.status()).toBe(200);

  await expect(page.getByRole('heading', { name: 'Status' })).toBeVisible();
  await expect(page.getByTestId('api-status')).toHaveText('Healthy');
  await expect(page.getByTestId('db-status')).toHaveText('Up');
  await expect(page.getByTestId('db-version')).toHaveText(/^PostgreSQL \d+\.\d+/);
  await expect(page.getByText('Embedded (started by the API)')).toBeVisible();
  await expect(page).toHaveTitle('Status · Model Price Hub');
  await page.screenshot({ path: join(__dirname, '../../../dist/e2e/status-page.png'), fullPage: true });
});

test('navigation reaches every area; unbuilt areas say so plainly', async ({ page }) => {
  await page.goto('/admin/status');
  await page.getByRole('link', { name: 'Pricing' }).click();
  await expect(page).toHaveURL(/\/pricing$/);
  await expect(page.getByRole('heading', { name: 'Pricing' })).toBeVisible();
  await expect(page.getByText('Coming in a later release')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Pricing' })).toHaveAttribute('aria-current', 'page');

  // A deep link is served by the API's index.html fallback.
  await page.goto('/costs');
  await expect(page.getByRole('heading', { name: 'Costs' })).toBeVisible();
});

test('the theme toggle switches between light and dark and is remembered', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/admin/status');
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.getByTestId('theme-toggle').click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.screenshot({ path: join(__dirname, '../../../dist/e2e/status-page-dark.png') });
});

test('API errors reach the user as a snackbar with the envelope message', async ({ page }) => {
  await page.route('**/api/v1/status', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({
        error: { code: 'SERVICE_UNAVAILABLE', message: 'The database is unavailable. Retry shortly.' },
      }),
    }),
  );
  await page.goto('/admin/status');
  await expect(page.getByText('The database is unavailable. Retry shortly. (SERVICE_UNAVAILABLE)')).toBeVisible();
  await expect(page.getByTestId('status-error')).toContainText('The API answered with an error');
});

test('unknown API paths answer 404 in the error envelope, not the console', async ({ request }) => {
  const res = await request.get('/api/v1/does-not-exist');
  expect(res.status()).toBe(404);
  expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Cannot GET /api/v1/does-not-exist' } });
});

test('small screens get an overlay navigation behind a menu button', async ({ page }) => {
  await page.setViewportSize({ width: 400, height: 800 });
  await page.goto('/admin/status');
  const menu = page.getByRole('button', { name: 'Open navigation' });
  await expect(menu).toBeVisible();
  await menu.click();
  await page.getByRole('link', { name: 'Catalog' }).click();
  await expect(page.getByRole('heading', { name: 'Catalog' })).toBeVisible();
});
