import { expect, Page, test } from '@playwright/test';
import { join } from 'node:path';
import { expectAccessible } from './a11y';

const ADMIN = { email: 'admin@e2e.local', password: 'e2e-admin-password' };
const shots = join(__dirname, '../../../dist/e2e');

async function signIn(page: Page, returnTo: string) {
  await page.goto(`/login?returnUrl=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`${returnTo.replace(/[/?]/g, '\\$&')}$`));
}

for (const size of [
  { name: 'desktop', viewport: { width: 1440, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
]) {
  test.describe(`an admin on a ${size.name}`, () => {
    // axe-core is injected as a script: the test's browser context lets it past the console's CSP (the app keeps it).
    test.use({ viewport: size.viewport, bypassCSP: true });

    test('runs a job now and finds it in the runs, then filters the audit log by a family of actions', async ({
      page,
    }) => {
      await signIn(page, '/admin/jobs');
      await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
      const job = page.getByTestId('job-housekeeping');
      await expect(job).toContainText('Scheduled');
      await page.getByTestId('run-housekeeping').click();
      await expect(page.getByText(/housekeeping ran in/)).toBeVisible();
      await expect(job).toContainText('last run');
      await expect(page.getByTestId('runs-table')).toContainText('run now');
      await expectAccessible(page, `jobs (${size.name})`);
      await page.screenshot({ path: join(shots, `jobs-${size.name}.png`), fullPage: true });

      await page.goto('/admin/audit?action=auth');
      await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
      await expect(page.locator('table')).toContainText('auth.login');
      await expect(page.locator('table')).not.toContainText('user.created');
      await expectAccessible(page, `audit log (${size.name})`);
      await page.screenshot({ path: join(shots, `audit-${size.name}.png`), fullPage: true });

      // An unknown address says so and offers the way home.
      await page.goto('/no/such/page');
      await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
      await page.getByRole('main').getByRole('link', { name: 'Home' }).click();
      await expect(page.getByRole('heading', { name: 'What does it cost?' })).toBeVisible();
    });
  });
}
