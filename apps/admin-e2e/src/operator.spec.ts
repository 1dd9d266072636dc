import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
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

async function adminApi(request: APIRequestContext) {
  const { access_token } = await (await request.post('/api/v1/auth/login', { data: ADMIN })).json();
  const headers = { Authorization: `Bearer ${access_token}` };
  return {
    get: async (url: string) => (await request.get(url, { headers })).json(),
    post: async (url: string, data: object) => {
      const res = await request.post(url, { headers, data });
      expect(res.status(), `${url}: ${await res.text()}`).toBeLessThan(300);
      return res.json();
    },
  };
}

/** `YYYY-MM-DDTHH:mm` in UTC, `days` before now, for a datetime-local field (the console reads it as UTC). */
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 16);

for (const size of [
  { name: 'desktop', viewport: { width: 1440, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
]) {
  test.describe(`an operator on a ${size.name}`, () => {
    // axe-core is injected as a script: the test's browser context lets it past the console's CSP (the app keeps it).
    test.use({ viewport: size.viewport, bypassCSP: true });

    test('adds a model, corrects its price after calls were recorded unpriced, re-prices them after a preview, then deletes it', async ({
      page,
      request,
    }) => {
      const api = await adminApi(request);
      const vendor = `e2e-op-${size.name}`;
      const id = `${vendor}/rocket`;
      await api.post('/api/v1/vendors', { slug: vendor, name: `Op ${size.name}`, kinds: ['creator', 'provider'] });

      await signIn(page, '/catalog');
      await page.getByTestId('new-model').click();
      const create = page.getByRole('dialog');
      await expect(create.getByTestId('new-model-id')).toBeFocused();
      await create.getByTestId('new-model-id').fill('rocket');
      await create.getByTestId('new-model-name').fill(`Rocket (${size.name})`);
      await create.getByTestId('new-model-save').click();
      await expect(create).toContainText('owner/name, such as acme/rocket-8b');
      await create.getByTestId('new-model-id').fill(id);
      await create.getByTestId('new-model-context').fill('32768');
      await create.getByTestId('new-model-save').click();
      await expect(page).toHaveURL(new RegExp(`/catalog/models/${vendor}/rocket$`));
      await expect(page.getByRole('heading', { name: `Rocket (${size.name})` })).toBeVisible();
      await expectAccessible(page, `new model's page (${size.name})`);

      // Its provider serves it, and two calls were recorded before anyone knew its price.
      const offering = await api.post('/api/v1/offerings', {
        model_id: id,
        provider: vendor,
        provider_model_id: 'rocket',
      });
      const usage = await api.post('/api/v1/usage', {
        events: [1, 2].map((n) => ({
          idempotency_key: `${vendor}-call-${n}`,
          provider: vendor,
          model: 'rocket',
          timestamp: new Date(Date.now() - n * 86_400_000).toISOString(),
          usage: { input_tokens: 1_000_000, output_tokens: 100_000 },
        })),
      });
      expect(usage).toMatchObject({ stored: 2, results: [{ total_cost: null }, { total_cost: null }] });

      // The price, back-dated before the calls: a correction, which offers to re-price what it touches.
      await page.goto(`/pricing/offerings/${offering.id}`);
      await page.getByTestId('edit-prices').click();
      const editor = page.getByRole('dialog');
      await editor.getByTestId('amount-0').fill('2');
      await editor.getByTestId('amount-1').fill('8');
      await editor.getByTestId('price-now').click();
      await editor.getByTestId('price-effective').fill(daysAgo(3));
      await editor.getByTestId('price-correction').click();
      await editor.getByTestId('price-reason').fill('List price published late');
      await editor.getByTestId('price-preview').click();
      await expect(editor.getByTestId('price-diff')).toBeVisible();
      await expectAccessible(page, `price editor (${size.name})`);
      await editor.getByTestId('price-save').click();
      await page.getByRole('button', { name: 'Re-price them' }).click();

      await expect(page).toHaveURL(/\/costs\/reprice\?/);
      // The corrected offering selects the calls (whatever spelling of the model they were sent with).
      await expect(page.getByTestId('reprice-offering')).toContainText(`${vendor} · rocket`);
      await expect(page.getByTestId('reprice-reason')).toHaveValue('Price correction: List price published late');
      await page.getByTestId('reprice-preview').click();
      // 2 calls × (1M input × $2 + 0.1M output × $8) = $5.60, unpriced until now.
      await expect(page.getByTestId('reprice-summary')).toHaveText(
        /2 calls in the window; 2 would change by \+\$5\.60 in total, 2 of them unpriced until now\./,
      );
      await expect(page.getByTestId('reprice-largest')).toContainText('unpriced');
      await expectAccessible(page, `re-pricing preview (${size.name})`);
      await page.screenshot({ path: join(shots, `reprice-${size.name}.png`), fullPage: true });
      await page.getByTestId('reprice-apply').click();
      await page.getByRole('dialog').getByRole('button', { name: 'Apply' }).click();
      await expect(page.getByTestId('reprice-done')).toContainText('audit log');
      await expect(page.getByTestId('reprice-summary')).toContainText('2 changed by +$5.60');

      // Deleting the model takes it out of the catalog.
      await page.goto(`/catalog/models/${id}`);
      await page.getByTestId('delete-model').click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await expect(page).toHaveURL(/\/catalog$/);
      expect((await request.get(`/api/v1/models/${id}`)).status()).toBe(404);
    });

    test('reads a sync run’s changes by service tier and region, then merges a duplicate model after a preview', async ({
      page,
      request,
    }) => {
      const api = await adminApi(request);
      // A LiteLLM-format feed: a Bedrock model with a batch price and a us-east-1 price beside the default one.
      const id = `e2e-sync-${size.name}.rocket-v1`;
      const feed = (batchInput: number, regionInput: number) => ({
        [`bedrock/${id}`]: {
          litellm_provider: 'bedrock',
          input_cost_per_token: 1e-6,
          output_cost_per_token: 2e-6,
          input_cost_per_token_batches: batchInput,
          output_cost_per_token_batches: 1e-6,
        },
        [`bedrock/us-east-1/${id}`]: {
          litellm_provider: 'bedrock',
          input_cost_per_token: regionInput,
          output_cost_per_token: 2.4e-6,
        },
      });
      let body = feed(5e-7, 1.2e-6);
      const server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model_prices.json`;
        await api.post('/api/v1/sync/sources', { name: `e2e-sync-${size.name}`, adapter: 'litellm', url });
        await signIn(page, '/pricing/sync');
        await page.getByTestId(`run-e2e-sync-${size.name}`).click();
        await expect(page.getByTestId('run-status')).toHaveText('succeeded');
        // The vendor raises the batch price and the us-east-1 price by 10 %.
        body = feed(5.5e-7, 1.32e-6);
        await page.goto('/pricing/sync');
        await page.getByTestId(`run-e2e-sync-${size.name}`).click();
        await expect(page.getByTestId('run-status')).toHaveText('succeeded');
        const changed = page.getByTestId('run-changed');
        await expect(changed).toContainText(`bedrock · ${id}`);
        await expect(changed).toContainText('input (batch): $0.50 → $0.55');
        await expect(changed).toContainText('input (standard · us-east-1): $1.20 → $1.32');
        await expect(changed).not.toContainText('output');
        await expectAccessible(page, `sync run diff (${size.name})`);
        await page.screenshot({ path: join(shots, `sync-run-diff-${size.name}.png`), fullPage: true });
      } finally {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      }

      // A duplicate of a real model, under a host's spelling, with one offering.
      const host = `e2e-host-${size.name}`;
      await api.post('/api/v1/vendors', { slug: host, name: `Host ${size.name}`, kinds: ['provider'] });
      await api.post('/api/v1/models', { id: `${host}/mistral-7b-copy`, display_name: `Mistral copy ${size.name}` });
      await api.post('/api/v1/offerings', {
        model_id: `${host}/mistral-7b-copy`,
        provider: host,
        provider_model_id: 'mistral-7b',
      });
      await page.goto(`/catalog/models/${host}/mistral-7b-copy`);
      await page.getByTestId('merge-model').click();
      const dialog = page.getByRole('dialog');
      await expect(dialog.getByTestId('identity-target')).toBeFocused();
      await dialog.getByTestId('identity-target').fill('Mistral-7B-Instruct');
      await page.getByRole('option', { name: 'mistralai/Mistral-7B-Instruct-v0.2', exact: true }).click();
      await dialog.getByTestId('identity-preview-btn').click();
      await expect(dialog.getByTestId('identity-preview')).toContainText(
        `Moves 1 offering to mistralai/Mistral-7B-Instruct-v0.2 and removes ${host}/mistral-7b-copy`,
      );
      await expectAccessible(page, `merge preview (${size.name})`);
      await dialog.getByTestId('identity-apply').click();
      await expect(page).toHaveURL(/\/catalog\/models\/mistralai\/Mistral-7B-Instruct-v0\.2$/);
      await expect(page.getByTestId(`offering-${host}`)).toContainText('mistral-7b');
      await expectAccessible(page, `model page after a merge (${size.name})`);
    });

    test('edits a budget and a connection’s response cache, limits an API key, sets an exchange rate, downloads an export', async ({
      page,
      request,
    }) => {
      const api = await adminApi(request);
      const key = await api.post('/api/v1/api-keys', { name: `ingest-${size.name}`, scopes: ['usage:write'] });

      await signIn(page, '/costs/budgets');
      await page.getByTestId('budget-name').fill(`Team ${size.name}`);
      await page.getByTestId('budget-amount').fill('50');
      await page.getByTestId('budget-save').click();
      const table = page.getByTestId('budgets-table');
      await expect(table).toContainText(`Team ${size.name}`);
      // The form is ready for the next budget, without calling its emptied fields wrong.
      await expect(page.getByTestId('budget-name')).toHaveValue('');
      await expect(page.locator('mat-error')).toHaveCount(0);
      await page.getByRole('button', { name: `Edit Team ${size.name}` }).click();
      const budget = page.getByRole('dialog');
      // The dialog focuses its first field once open: typing before that would land there.
      await expect(budget.getByTestId('budget-edit-name')).toBeFocused();
      await budget.getByTestId('budget-edit-amount').fill('0');
      await budget.getByTestId('budget-edit-save').click();
      await expect(budget).toContainText('An amount above 0, such as 50 or 12.5');
      await budget.getByTestId('budget-edit-amount').fill('75');
      await expect(budget).not.toContainText('An amount above 0');
      await expectAccessible(page, `budget edit (${size.name})`);
      await budget.getByTestId('budget-edit-save').click();
      await expect(budget).toHaveCount(0);
      // The keyboard user is back on the button that opened the dialog; the budget names who it is on.
      await expect(page.getByRole('button', { name: `Edit Team ${size.name}` })).toBeFocused();
      await expect(table.getByRole('row', { name: new RegExp(`Team ${size.name}`) })).toContainText('admin@e2e.local');
      await expect(table.getByRole('row', { name: new RegExp(`Team ${size.name}`) })).toContainText('$75.00');

      await page.goto('/chat/connections');
      await page.getByTestId('edit-Local echo').click();
      const connection = page.getByRole('dialog');
      await expect(connection.getByTestId('connection-edit-name')).toBeFocused();
      await connection.getByTestId('connection-edit-response_cache_seconds').fill('60');
      await expectAccessible(page, `connection edit (${size.name})`);
      await connection.getByTestId('connection-edit-save').click();
      await expect(connection).toHaveCount(0);
      await expect(page.getByTestId('connections')).toContainText('cache 60 s');

      await page.getByRole('link', { name: 'Limits' }).click();
      await expect(page.getByRole('heading', { name: 'Gateway limits' })).toBeVisible();
      await page.getByTestId('limit-target').fill(`ingest-${size.name}`);
      await page.getByRole('option', { name: `ingest-${size.name}` }).click();
      await page.getByTestId('limit-rpm').fill('600');
      await page.getByTestId('limit-save').click();
      await expect(page.getByTestId(`limit-ingest-${size.name}`)).toContainText('600 requests per minute');
      await expect(page.locator('mat-error')).toHaveCount(0);
      await expectAccessible(page, `gateway limits (${size.name})`);
      const limits = await api.get('/api/v1/gateway/limits');
      expect(limits.data).toContainEqual(expect.objectContaining({ scope_id: key.id, requests_per_minute: 600 }));

      await page.goto('/costs/fx-rates');
      await page.getByTestId('fx-lines').fill(`EUR 2026-01-1${size.name === 'phone' ? 6 : 5} 1.0842`);
      await page.getByTestId('fx-save').click();
      await expect(page.getByTestId('fx-saved')).toHaveText('1 rate saved.');
      await expect(page.getByTestId('fx-rates')).toContainText('1.0842');
      await expectAccessible(page, `exchange rates (${size.name})`);

      await page.goto('/pricing/exports');
      await expectAccessible(page, `exports (${size.name})`);
      const download = page.waitForEvent('download');
      await page.getByTestId('export-prices.csv').click();
      const file = await download;
      expect(file.suggestedFilename()).toBe('prices.csv');
      const csv = readFileSync(await file.path(), 'utf8');
      expect(csv.split('\n')[0]).toContain('provider');
      expect(csv.split('\n').length).toBeGreaterThan(10);
      await page.screenshot({ path: join(shots, `exports-${size.name}.png`), fullPage: true });
    });
  });
}
