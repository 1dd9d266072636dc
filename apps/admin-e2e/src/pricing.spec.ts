import { expect, Page, test } from '@playwright/test';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

const ADMIN = { email: 'admin@e2e.local', password: 'e2e-admin-password' };
const shots = join(__dirname, '../../../dist/e2e');

async function signIn(page: Page, returnTo: string) {
  await page.goto(`/login?returnUrl=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`${returnTo.replace(/\//g, '\\/')}$`));
}

test('an operator schedules a price change with a future date, sees the diff, then the history chart', async ({
  page,
}) => {
  await signIn(page, '/pricing');
  await expect(page.getByRole('heading', { name: 'Prices' })).toBeVisible();
  await page.getByTestId('offering-link-o3').first().click();
  await expect(page.getByRole('heading', { name: 'openai · o3' })).toBeVisible();
  await expect(page.getByTestId('current-standard')).toContainText('8');

  await page.getByTestId('edit-prices').click();
  const dialog = page.getByRole('dialog');
  // A typo says what is wrong next to the field.
  await dialog.getByTestId('amount-0').fill('-1.5');
  await dialog.getByTestId('amount-0').blur();
  await expect(dialog).toContainText('A price cannot be negative');
  await dialog.getByTestId('amount-0').fill('1.5');
  await dialog.getByTestId('price-now').click();
  // Next year: a scheduled change (dates more than 5 years ahead are refused as typos).
  const year = new Date().getUTCFullYear() + 1;
  await dialog.getByTestId('price-effective').fill(`${year}-01-01T00:00`);
  await dialog.getByTestId('price-reason').fill('Announced price cut');
  await expect(dialog.getByTestId('price-save')).toBeDisabled();
  await dialog.getByTestId('price-preview').click();
  await expect(dialog.getByTestId('change-input')).toHaveText('changed (×0.75)');
  await expect(dialog.getByTestId('change-output')).toHaveText('unchanged');
  await expect(dialog).toContainText(`Changes from ${year}-01-01 00:00 UTC`);
  await page.screenshot({ path: join(shots, 'price-editor-diff.png') });
  await dialog.getByTestId('price-save').click();

  await expect(page.getByTestId('upcoming')).toContainText(
    `From ${year}-01-01 00:00 UTC (standard): input 1.5, output 8, cache_read 0.5 — Announced price cut`,
  );
  await expect(page.getByTestId('upcoming')).toContainText('Announced price cut');
  // Still $2 today: the new price waits for its date.
  await expect(page.getByTestId('current-standard')).toContainText('2');
  const chart = page.getByTestId('step-chart');
  await expect(chart.locator('path[data-series="input"]')).toHaveCount(1);
  await expect(chart.locator('path[data-series="output"]')).toHaveCount(1);
  await expect(page.getByTestId('history')).toContainText('Announced price cut');
  await page.screenshot({ path: join(shots, 'price-history.png'), fullPage: true });
});

test('an operator runs a sync now, watches its progress, and approves a quarantined run', async ({ page }) => {
  // A vendor feed in OpenRouter's format, served slowly enough to watch the run progress.
  let models = [
    { id: 'e2e-lab/alpha', name: 'Alpha', pricing: { prompt: '0.000001', completion: '0.000002' } },
    { id: 'e2e-lab/beta', name: 'Beta', pricing: { prompt: '0.000003', completion: '0.000004' } },
  ];
  let release: (() => void) | null = null;
  const server: Server = createServer((_req, res) => {
    const send = () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: models }));
    };
    // The first request waits until the page has shown the run in progress.
    if (release === null && models[0].pricing.prompt === '0.000001') {
      release = send;
    } else send();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/models`;
  try {
    await signIn(page, '/pricing/sync');
    await page.getByTestId('new-source').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('source-name').fill('e2e-feed');
    await dialog.getByTestId('source-adapter').click();
    await page.getByRole('option', { name: 'openrouter' }).click();
    await dialog.getByTestId('source-url').fill(url);
    // A schedule the server cannot read: its problem appears under the field, in words.
    await dialog.getByTestId('source-schedule').fill('every evening');
    await dialog.getByTestId('source-save').click();
    await expect(dialog).toContainText('Must be a cron schedule in UTC');
    await dialog.getByTestId('source-schedule').fill('');
    await dialog.getByTestId('source-save').click();
    await expect(page.getByTestId('sources-table')).toContainText('e2e-feed');

    await page.getByTestId('run-e2e-feed').click();
    await expect(page).toHaveURL(/\/pricing\/sync\/runs\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId('run-status')).toHaveText('running');
    await expect(page.getByTestId('run-phase')).toHaveText('fetching');
    await expect(page.getByTestId('run-progress')).toBeVisible();
    await page.screenshot({ path: join(shots, 'sync-run-progress.png') });
    (release as unknown as () => void)();
    await expect(page.getByTestId('run-status')).toHaveText('succeeded');
    await expect(page.getByTestId('run-counts')).toContainText('2added');

    // The feed now says Beta is free: a broken feed until someone says otherwise.
    models = [models[0], { ...models[1], pricing: { prompt: '0', completion: '0' } }];
    await page.goto('/pricing/sync');
    await page.getByTestId('run-e2e-feed').click();
    await expect(page.getByTestId('run-status')).toHaveText('quarantined');
    await expect(page.getByTestId('quarantine-reason')).toContainText('would drop to 0');
    await expect(page.getByTestId('run-changed')).toContainText('e2e-lab/beta');
    // Each changed price names its conditions, in money.
    await expect(page.getByTestId('run-changed')).toContainText('input (standard)');
    await expect(page.getByTestId('run-changed')).toContainText('→ free');
    await expect(page.getByTestId('quarantine-reason')).toContainText('approve to apply exactly the changes below');
    await page.screenshot({ path: join(shots, 'sync-run-quarantined.png'), fullPage: true });
    await page.getByTestId('approve-run').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve and apply' }).click();
    await expect(page.getByTestId('run-status')).toHaveText('approved');
    await expect(page.getByTestId('quarantine-reason')).toContainText('An operator approved it');

    const prices = await page.request.get('/api/v1/prices?provider=openrouter&model=e2e-lab/beta');
    const body = await prices.json();
    // Every stated price "0": free by the feed's word (input and output 0, and the free marker for every other unit).
    expect(
      body.data[0].price.components.map((c: { unit: string; amount: string }) => `${c.unit}=${c.amount}`).sort(),
    ).toEqual(['free=0', 'input=0', 'output=0']);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('an operator reviews a price the sanity guards held and publishes it', async ({ page }) => {
  // A LiteLLM-format feed: one model at $0.10 per 1M input from three providers, and a premium provider at 30× that.
  const feed = {
    'together_ai/e2e-held/rocket-8b': {
      litellm_provider: 'together_ai',
      input_cost_per_token: 1e-7,
      output_cost_per_token: 2e-7,
    },
    'deepinfra/e2e-held/rocket-8b': {
      litellm_provider: 'deepinfra',
      input_cost_per_token: 1e-7,
      output_cost_per_token: 2e-7,
    },
    'novita/e2e-held/rocket-8b': {
      litellm_provider: 'novita',
      input_cost_per_token: 1e-7,
      output_cost_per_token: 2e-7,
    },
    'e2e-premium/e2e-held/rocket-8b': {
      litellm_provider: 'e2e-premium',
      input_cost_per_token: 3e-6,
      output_cost_per_token: 2e-7,
    },
  };
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(feed));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model_prices.json`;
  try {
    await signIn(page, '/pricing/sync');
    await page.getByTestId('new-source').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('source-name').fill('e2e-litellm');
    await dialog.getByTestId('source-adapter').click();
    await page.getByRole('option', { name: 'litellm' }).click();
    await dialog.getByTestId('source-url').fill(url);
    await dialog.getByTestId('source-save').click();
    await expect(page.getByTestId('sources-table')).toContainText('e2e-litellm');
    await page.getByTestId('run-e2e-litellm').click();
    await expect(page.getByTestId('run-status')).toHaveText('succeeded');

    // The run applied the three plausible prices and held the 30× one for review.
    await page.getByRole('link', { name: 'Review', exact: true }).click();
    await expect(page).toHaveURL(/\/pricing\/review$/);
    const table = page.getByTestId('held-table');
    await expect(table).toContainText('e2e-premium');
    await expect(table).toContainText('input 3 USD');
    await expect(table).toContainText('×30 the median (0.1)');
    await page.screenshot({ path: join(shots, 'review-held.png'), fullPage: true });
    await page.getByTestId('review-e2e-premium').click();
    const review = page.getByRole('dialog');
    await expect(review.getByTestId('held-reason')).toContainText('is ×30 the median (0.1) of 3 other offerings');
    await review.getByTestId('held-note').fill('Premium provider, confirmed on its pricing page');
    await review.getByTestId('approve-held').click();
    await expect(page.getByText('Published the e2e-premium price.')).toBeVisible();
    await expect(page.getByTestId('no-held')).toBeVisible();

    const prices = await page.request.get('/api/v1/prices?provider=e2e-premium&model=e2e-held/rocket-8b');
    const body = await prices.json();
    expect(body.data[0].price.components.map((c: { unit: string; amount: string }) => `${c.unit}=${c.amount}`)).toEqual(
      ['input=3', 'output=0.2'],
    );
    // The decision is kept with who made it and why.
    await page.getByTestId('held-status').click();
    await page.getByRole('option', { name: 'Approved' }).click();
    await expect(page.getByTestId('held-table')).toContainText(
      'by admin@e2e.local: Premium provider, confirmed on its pricing page',
    );
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('an open prices list shows a price change made elsewhere as it lands, without a reload', async ({
  page,
  request,
}) => {
  await signIn(page, '/pricing');
  await page.goto('/pricing?model=google/gemini-2.5-pro&provider=google');
  const table = page.getByTestId('prices-table');
  await expect(table).toContainText('gemini-2.5-pro');
  await expect(table).not.toContainText('$9.87');
  // Another operator (or a sync on another instance) changes the price: the API's live events tell the page.
  const { access_token: token } = await (await request.post('/api/v1/auth/login', { data: ADMIN })).json();
  const prices = await (await request.get('/api/v1/models/google/gemini-2.5-pro/prices')).json();
  const offering = prices.data.find((d: { offering: { provider: string } }) => d.offering.provider === 'google');
  const saved = await request.post(`/api/v1/offerings/${offering.offering.id}/prices`, {
    headers: { authorization: `Bearer ${token}` },
    data: {
      reason: 'live update e2e',
      components: [
        { unit: 'input', amount: '9.87' },
        { unit: 'output', amount: '20' },
      ],
    },
  });
  expect(saved.status()).toBe(200);
  await expect(table).toContainText('$9.87');
});
