import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectAccessible } from './a11y';

const ADMIN = { email: 'admin@e2e.local', password: 'e2e-admin-password' };
const shots = join(__dirname, '../../../dist/e2e');

test('the costs dashboard shows ingested spend by day and model', async ({ page, request }) => {
  const login = await request.post('/api/v1/auth/login', { data: ADMIN });
  const { access_token: token } = await login.json();
  // Usage names a project the caller may use: create it first (an unknown name is refused, not created).
  const project = await request.post('/api/v1/projects', {
    data: { name: 'e2e-bot' },
    headers: { authorization: `Bearer ${token}` },
  });
  expect(project.status()).toBe(201);
  const day = (n: number) => new Date(Date.now() - n * 86400_000).toISOString().slice(0, 10);
  const events = [
    ...[1, 2, 3].map((n) => ({
      idempotency_key: `e2e-mini-${n}`,
      timestamp: `${day(n)}T12:00:00Z`,
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { input_tokens: 1_000_000, output_tokens: 1_000_000 },
      project: 'e2e-bot',
    })),
    {
      idempotency_key: 'e2e-sonnet-1',
      timestamp: `${day(1)}T13:00:00Z`,
      provider: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      usage: { input_tokens: 100_000, cache_write_5m_tokens: 10_000, cache_read_tokens: 80_000, output_tokens: 1000 },
      project: 'e2e-bot',
    },
  ];
  const ingest = await request.post('/api/v1/usage', {
    data: { events },
    headers: { authorization: `Bearer ${token}` },
  });
  expect((await ingest.json()).stored).toBe(4);

  // Up to yesterday: other tests (the chat) record calls today.
  await page.goto(`/login?returnUrl=${encodeURIComponent(`/costs?to=${day(1)}`)}`);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Costs' })).toBeVisible();
  // 3 × ($0.15 + $0.60) + $0.1065
  // Cents on the page, the exact amount on hover.
  await expect(page.getByTestId('total-spend')).toHaveText('$2.36 · 4 calls');
  await expect(page.getByTestId('total-spend').locator('span').first()).toHaveAttribute('title', '2.3565 USD');
  const chart = page.getByTestId('stacked-bars');
  await expect(chart.locator('rect')).toHaveCount(4);
  await expect(chart).toContainText('openai/gpt-4o-mini');
  await expect(chart).toContainText('anthropic/claude-sonnet-4.5');
  const topModel = page.getByTestId('top-model').locator('li').first();
  await expect(topModel).toContainText('openai/gpt-4o-mini');
  await expect(topModel.locator('strong')).toHaveText('$2.25');
  await expect(page.getByTestId('top-project')).toContainText('e2e-bot');
  await page.screenshot({ path: join(shots, 'costs-dashboard.png'), fullPage: true });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('costs-csv').click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\r\n')[0]).toBe(
    'day,model,currency,cost,cost_usd,events,unpriced_events,unconverted_events,input_tokens,output_tokens',
  );
  expect(csv).toContain('anthropic/claude-sonnet-4.5,USD,0.1065,0.1065,1,0,0,');

  await page.getByRole('link', { name: 'Usage', exact: true }).click();
  await expect(page.getByTestId('usage-table')).toContainText('$0.1065');

  // Drill down: a top model opens the usage page on its calls; a call opens on its details.
  await page.goto(`/costs?to=${day(1)}`);
  await topModel.getByRole('link', { name: 'openai/gpt-4o-mini' }).click();
  await expect(page).toHaveURL(/\/costs\/usage\?model=openai%2Fgpt-4o-mini/);
  await expect(page.getByTestId('event-e2e-mini-1')).toBeVisible();
  await expect(page.getByTestId('event-e2e-sonnet-1')).toHaveCount(0);
  await page.getByTestId('open-e2e-mini-1').click();
  const detail = page.getByTestId('detail-e2e-mini-1');
  await expect(detail).toContainText('e2e-mini-1');
  await expect(detail).toContainText('Time to first token');
  await expect(detail).toContainText("the offering's price history");
  // Filter by status: none of these calls failed.
  await page.getByTestId('usage-status').click();
  await page.getByRole('option', { name: 'error' }).click();
  await page.getByTestId('usage-apply').click();
  await expect(page).toHaveURL(/status=error/);
  await expect(page.getByTestId('usage-table')).toContainText('No call matches these filters.');
  await page.screenshot({ path: join(shots, 'usage-drilldown.png'), fullPage: true });
});

test.describe('an app team on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, bypassCSP: true });

  test('reads its calls on the usage page, opens one, and the costs page, without accessibility violations', async ({
    page,
    request,
  }) => {
    const { access_token: token } = await (await request.post('/api/v1/auth/login', { data: ADMIN })).json();
    const stored = await request.post('/api/v1/usage', {
      data: {
        events: [
          {
            idempotency_key: 'e2e-phone-1',
            timestamp: new Date(Date.now() - 3600_000).toISOString(),
            provider: 'openai',
            model: 'gpt-4o-mini',
            usage: { input_tokens: 2000, output_tokens: 500 },
            latency_ms: 820,
            ttft_ms: 150,
          },
        ],
      },
      headers: { authorization: `Bearer ${token}` },
    });
    expect((await stored.json()).stored).toBe(1);
    await page.goto(`/login?returnUrl=${encodeURIComponent('/costs/usage?provider=openai')}`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('event-e2e-phone-1')).toContainText('$0.0006');
    await page.getByTestId('open-e2e-phone-1').click();
    await expect(page.getByTestId('detail-e2e-phone-1')).toContainText('820 ms');
    await expect(page.getByTestId('detail-e2e-phone-1')).toContainText('150 ms');
    await expectAccessible(page, 'usage (phone)');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(shots, 'usage-phone.png'), fullPage: true });
    await page.goto('/costs');
    await expect(page.getByRole('heading', { name: 'Costs' })).toBeVisible();
    await expectAccessible(page, 'costs (phone)');
  });
});

test('the estimate tool prices a pasted provider response and compares offerings', async ({ page }) => {
  await page.goto('/costs/estimate');
  await page.getByTestId('mode-response').click();
  await page.getByTestId('est-provider').fill('anthropic');
  await page.getByTestId('est-model').fill('');
  await page.getByTestId('est-response').fill(
    JSON.stringify({
      type: 'message',
      model: 'claude-sonnet-4-5-20250929',
      usage: {
        input_tokens: 10000,
        cache_creation_input_tokens: 10000,
        cache_read_input_tokens: 80000,
        output_tokens: 1000,
      },
    }),
  );
  await page.getByTestId('est-run').click();
  await expect(page.getByTestId('est-total')).toHaveText('$0.1065');
  await expect(page.getByTestId('est-breakdown')).toContainText('cache_write');
  await expect(page.getByTestId('est-compare')).toContainText('bedrock');
  await expect(page.getByTestId('est-compare')).toContainText('openrouter');
  await page.screenshot({ path: join(shots, 'estimate.png'), fullPage: true });
});

test('a pasted gpt-4o response is priced as gpt-4o, and pricing it as another model is said', async ({ page }) => {
  await page.goto('/costs/estimate');
  await page.getByTestId('mode-response').click();
  // The token form's example model does not carry over: the response names its model.
  await expect(page.getByTestId('est-model')).toHaveValue('');
  await page.getByTestId('est-response').fill(
    JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4o-2024-08-06',
      choices: [],
      usage: { prompt_tokens: 1000000, completion_tokens: 1000000 },
    }),
  );
  await page.getByTestId('est-run').click();
  await expect(page.getByTestId('est-total')).toHaveText('$12.50');
  await expect(page.getByTestId('est-price')).toContainText('openai/gpt-4o');
  await expect(page.getByTestId('est-override')).toHaveCount(0);
  await page.getByTestId('est-model').fill('gpt-4o-mini');
  await page.getByTestId('est-run').click();
  await expect(page.getByTestId('est-total')).toHaveText('$0.75');
  await expect(page.getByTestId('est-override')).toContainText('the response names gpt-4o-2024-08-06');
});

test('the estimate tool takes any unit of the registry and says how it read the usage and which price it used', async ({
  page,
}) => {
  await page.goto('/costs/estimate');
  await page.getByTestId('est-provider').fill('anthropic');
  await page.getByTestId('est-model').fill('claude-sonnet-4-5');
  // Anthropic's own counting: input_tokens without the cache.
  await page.getByTestId('est-input_tokens').fill('10000');
  await page.getByTestId('est-cache_read_tokens').fill('80000');
  await page.getByTestId('est-cache_write_tokens').fill('10000');
  await page.getByTestId('est-output_tokens').fill('1000');
  await page.getByTestId('est-run').click();
  await expect(page.getByTestId('est-total')).toHaveText('$0.1065');
  await expect(page.getByTestId('est-convention')).toContainText('Anthropic style');
  await expect(page.getByTestId('est-price')).toContainText('price from');

  // A unit beyond the common ones, from GET /costs/units: one web search has no price here, and says so.
  await page.getByTestId('est-add-unit').click();
  await page.getByTestId('est-more-key-0').click();
  await page.getByRole('option', { name: 'web_searches', exact: true }).click();
  await page.getByTestId('est-more-count-0').fill('1');
  await page.getByTestId('est-run').click();
  await expect(page.getByTestId('est-error')).toContainText('web_search');
  await page.screenshot({ path: join(shots, 'estimate-units.png'), fullPage: true });
});
