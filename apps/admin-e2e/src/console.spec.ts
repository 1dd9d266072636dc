import { expect, test } from '@playwright/test';
import { join } from 'node:path';

test('the console loads and its status page shows the API and the database, read through the API', async ({ page }) => {
  // The front page is the public one; the status page is an address of its own (in operators' navigation).
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'What does it cost?' })).toBeVisible();
  const statusCall = page.waitForResponse((r) => r.url().endsWith('/api/v1/status'));
  await page.goto('/admin/status');
  const response = await statusCall;
  expect(response.status()).toBe(200);

  await expect(page.getByRole('heading', { name: 'Status' })).toBeVisible();
  await expect(page.getByTestId('api-status')).toHaveText('Healthy');
  await expect(page.getByTestId('db-status')).toHaveText('Up');
  await expect(page.getByTestId('db-version')).toHaveText(/^PostgreSQL \d+$/);
  await expect(page.getByText('Embedded (started by the API)')).toBeVisible();
  await expect(page).toHaveTitle('Status · Model Price Hub');
  await page.screenshot({ path: join(__dirname, '../../../dist/e2e/status-page.png'), fullPage: true });
});

test('navigation reaches every area; unbuilt areas say so plainly', async ({ page }) => {
  await page.goto('/admin/status');
  await page.getByRole('link', { name: 'Pricing' }).click();
  await expect(page).toHaveURL(/\/pricing$/);
  await expect(page.getByRole('heading', { name: 'Prices' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Pricing' })).toHaveAttribute('aria-current', 'page');

  // A deep link is served by the API's index.html fallback; signed-out visitors of a member area are sent to sign in.
  await page.goto('/chat');
  await expect(page).toHaveURL(/\/login\?returnUrl=%2Fchat/);
  await expect(page.getByLabel('Email')).toBeVisible();
  // An address the console does not know says so.
  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
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
  await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
});

const ADMIN = { email: 'admin@e2e.local', password: 'e2e-admin-password' };

async function signIn(page: import('@playwright/test').Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
}

test('sign in, create an API key shown once, use it, revoke it, sign out', async ({ page, request }) => {
  await page.goto('/admin/api-keys');
  await expect(page).toHaveURL(/\/login\?returnUrl=%2Fadmin%2Fapi-keys$/);
  await signIn(page, ADMIN.email, 'wrong-password');
  await expect(page.getByTestId('login-error')).toHaveText('Email or password is wrong.');
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/api-keys$/);
  await expect(page.getByTestId('user-menu')).toContainText('Administrator');

  await page.getByRole('button', { name: 'Create key' }).click();
  await page.getByLabel('Name').fill('e2e key');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  // The dialog may render before the secret arrives: wait for the text, not just the element.
  const secretCell = page.getByTestId('secret');
  await expect(secretCell).toHaveText(/^\s*mph_[a-z0-9]{12}_[A-Za-z0-9_-]{43}\s*$/);
  const secret = ((await secretCell.textContent()) ?? '').trim();
  await page.getByRole('button', { name: 'I have stored it' }).click();
  const row = page.getByTestId('key-e2e key');
  await expect(row).toContainText('Active');
  // The key is never shown again: the table has only its prefix.
  await expect(page.getByText(secret)).toHaveCount(0);
  await expect(row).toContainText(`${secret.split('_').slice(0, 2).join('_')}_…`);

  const me = await request.get('/api/v1/auth/me', { headers: { 'X-API-Key': secret } });
  expect(me.status()).toBe(200);
  expect((await me.json()).email).toBe(ADMIN.email);

  await row.getByRole('button', { name: 'Revoke e2e key' }).click();
  await page.getByTestId('confirm').click();
  await expect(page.getByText('No API keys yet.')).toBeVisible();
  expect((await request.get('/api/v1/auth/me', { headers: { 'X-API-Key': secret } })).status()).toBe(401);

  // A reload keeps the session (refresh through the httpOnly cookie).
  await page.reload();
  await expect(page.getByTestId('user-menu')).toBeVisible();
  await page.getByTestId('user-menu').click();
  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/admin/api-keys');
  await expect(page).toHaveURL(/\/login/);
});

test('a member sees no admin pages, in the navigation or by address', async ({ page, request }) => {
  const admin = await (await request.post('/api/v1/auth/login', { data: ADMIN })).json();
  const member = { email: `member-${Date.now()}@e2e.local`, password: 'member-password-1' };
  const created = await request.post('/api/v1/users', {
    headers: { Authorization: `Bearer ${admin.access_token}` },
    data: { ...member, role: 'member' },
  });
  expect(created.status()).toBe(201);

  await page.goto('/login');
  await signIn(page, member.email, member.password);
  await expect(page.getByTestId('user-menu')).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'API keys' })).toBeVisible();
  for (const adminOnly of ['Users', 'Audit log', 'Jobs']) {
    await expect(nav.getByRole('link', { name: adminOnly })).toHaveCount(0);
  }
  await page.goto('/admin/users');
  await expect(page.getByText('That page needs the admin role.')).toBeVisible();
  await expect(page).not.toHaveURL(/\/admin\/users/);
  await page.screenshot({ path: join(__dirname, '../../../dist/e2e/member-denied.png') });
});

test('catalog: search, filter, open a model, walk its lineage, compare two models', async ({ page }) => {
  await page.goto('/catalog');
  await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
  await page.getByTestId('model-search').fill('llama 8b');
  await expect(page).toHaveURL(/q=llama%208b|q=llama\+8b/);
  await expect(page.getByRole('link', { name: 'Llama 3.1 8B Instruct' })).toBeVisible();

  await page.getByTestId('filter-has_base_model').click();
  await expect(page).toHaveURL(/has_base_model=true/);
  await expect(page.getByRole('link', { name: 'Meta-Llama-3.1-8B-Instruct-GGUF' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Llama-3.1-8B', exact: true })).toHaveCount(0);

  await page.getByRole('link', { name: 'Meta-Llama-3.1-8B-Instruct-GGUF' }).click();
  await expect(page).toHaveURL(/\/catalog\/models\/bartowski\/Meta-Llama-3.1-8B-Instruct-GGUF$/);
  const lineage = page.getByTestId('lineage');
  await expect(lineage).toContainText('quantized');
  // Walk up: the quant's base, then the base's own base.
  await lineage.getByRole('link', { name: 'meta-llama/Llama-3.1-8B-Instruct' }).click();
  await expect(page.getByRole('heading', { name: 'Llama 3.1 8B Instruct' })).toBeVisible();
  await expect(page.getByTestId('offerings-table')).toContainText('Together');
  await expect(page.getByTestId('lineage')).toContainText('quantized (2)');
  await page.screenshot({ path: join(__dirname, '../../../dist/e2e/model-page.png'), fullPage: true });
  await page.getByTestId('lineage').getByRole('link', { name: 'meta-llama/Llama-3.1-8B', exact: true }).click();
  await expect(page).toHaveURL(/\/catalog\/models\/meta-llama\/Llama-3.1-8B$/);
  await expect(page.getByTestId('lineage')).toContainText('deepseek-ai/DeepSeek-R1-Distill-Llama-8B');

  await page.goto('/catalog/compare?ids=openai/gpt-4o,anthropic/claude-sonnet-4.5');
  const table = page.getByTestId('compare-table');
  await expect(table).toContainText('GPT-4o');
  await expect(table).toContainText('Claude Sonnet 4.5');
  await expect(table).toContainText('200K tokens');
  await expect(table).toContainText('Cheapest input / 1M');
  await page.screenshot({ path: join(__dirname, '../../../dist/e2e/compare.png') });

  await page.goto('/catalog');
  await page.getByRole('link', { name: 'Trending' }).click();
  await expect(page.getByRole('heading', { name: 'Trending' })).toBeVisible();
  await expect(page.getByTestId('trending-empty').or(page.getByTestId('trending-table'))).toBeVisible();
  await page.goto('/catalog');
  await page.getByRole('link', { name: 'Statistics' }).click();
  await expect(page.getByRole('heading', { name: 'Catalog statistics' })).toBeVisible();
  // The 30 demo models (the built-in local/echo helper is not a listed model).
  await expect(page.getByTestId('totals')).toContainText('30 models');
  await expect(page.locator('mph-bar-chart canvas')).toHaveCount(4);
  await page.screenshot({ path: join(__dirname, '../../../dist/e2e/stats.png'), fullPage: true });
});

test('an operator edits a model; server validation errors appear on the fields', async ({ page, request }) => {
  const admin = await (await request.post('/api/v1/auth/login', { data: ADMIN })).json();
  const operator = { email: `operator-${Date.now()}@e2e.local`, password: 'operator-password-1' };
  await request.post('/api/v1/users', {
    headers: { Authorization: `Bearer ${admin.access_token}` },
    data: { ...operator, role: 'operator' },
  });

  await page.goto('/catalog/models/mistralai/Mistral-7B-Instruct-v0.2');
  await expect(page.getByTestId('edit-model')).toHaveCount(0);
  await page.goto('/login?returnUrl=%2Fcatalog%2Fmodels%2Fmistralai%2FMistral-7B-Instruct-v0.2');
  await signIn(page, operator.email, operator.password);
  await page.getByTestId('edit-model').click();
  // The dialog moves focus to its first field once it has opened: typing before that lands in the wrong field
  // (seen in CI: "-5" ended up in the display name).
  await expect(page.getByLabel('Display name')).toBeFocused();
  await page.getByTestId('edit-context-window').fill('-5');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('context-window-error')).toContainText('Must not be less than 1');
  await page.getByTestId('edit-context-window').fill('65536');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('capabilities')).toContainText('65,536 tokens');
  await page.reload();
  await expect(page.getByTestId('capabilities')).toContainText('65,536 tokens');
});

test('an operator adds a vendor and an offering; the catalog filters by it; the offering is removed again', async ({
  page,
  request,
}) => {
  const admin = await (await request.post('/api/v1/auth/login', { data: ADMIN })).json();
  const operator = { email: `vendor-op-${Date.now()}@e2e.local`, password: 'operator-password-2' };
  await request.post('/api/v1/users', {
    headers: { Authorization: `Bearer ${admin.access_token}` },
    data: { ...operator, role: 'operator' },
  });
  await page.goto('/login?returnUrl=%2Fcatalog%2Fvendors');
  await signIn(page, operator.email, operator.password);
  await expect(page.getByRole('heading', { name: 'Vendors' })).toBeVisible();
  await expect(page.getByTestId('vendors-table')).toContainText('OpenAI');

  await page.getByTestId('new-vendor').click();
  // The dialog moves focus to its first field once it has opened: typing before that lands in the wrong field.
  await expect(page.getByTestId('vendor-slug')).toBeFocused();
  await page.getByTestId('vendor-slug').fill('e2e-cloud');
  await page.getByTestId('vendor-name').fill('E2E Cloud');
  await page.getByTestId('vendor-homepage').fill('not a url');
  await page.getByTestId('vendor-save').click();
  await expect(page.getByTestId('vendor-homepage-error')).toContainText('Must be a URL');
  await page.getByTestId('vendor-homepage').fill('https://cloud.e2e.example');
  await page.getByTestId('vendor-save').click();
  await expect(page.getByTestId('vendors-table')).toContainText('E2E Cloud');
  await page.screenshot({ path: join(__dirname, '../../../dist/e2e/vendors.png'), fullPage: true });

  await page.goto('/catalog/models/mistralai/Mistral-7B-Instruct-v0.2');
  await page.getByTestId('add-offering').click();
  await page.getByTestId('offering-provider').click();
  await page.getByRole('option', { name: 'E2E Cloud (e2e-cloud)' }).click();
  await page.getByTestId('offering-provider-model-id').fill('mistral-7b-e2e');
  await page.getByTestId('offering-context-window').fill('0');
  await page.getByTestId('offering-save').click();
  await expect(page.getByTestId('offering-context-error')).toBeVisible();
  await page.getByTestId('offering-context-window').fill('32768');
  await page.getByTestId('offering-save').click();
  await expect(page.getByTestId('offering-e2e-cloud')).toContainText('mistral-7b-e2e');
  await page.screenshot({ path: join(__dirname, '../../../dist/e2e/offering.png'), fullPage: true });

  await page.goto('/catalog?provider=e2e-cloud');
  await expect(page.getByTestId('active-provider')).toContainText('Offered by: e2e-cloud');
  await expect(page.getByRole('link', { name: 'Mistral 7B Instruct v0.2' })).toBeVisible();

  await page.goto('/catalog/models/mistralai/Mistral-7B-Instruct-v0.2');
  // Operator actions live in the offering row's menu.
  await page.getByTestId('manage-e2e-cloud').click();
  await page.getByTestId('delete-offering-e2e-cloud').click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('offering-e2e-cloud')).toHaveCount(0);
});

test('an operator merges a duplicate model into the real one, after a preview; its id then answers as the real one', async ({
  page,
  request,
}) => {
  const admin = await (await request.post('/api/v1/auth/login', { data: ADMIN })).json();
  const auth = { Authorization: `Bearer ${admin.access_token}` };
  // The duplicate a feed might have made: the same weights under a host's spelling, with one offering.
  await request.post('/api/v1/vendors', {
    headers: auth,
    data: { slug: 'e2e-host', name: 'E2E Host', kinds: ['provider'] },
  });
  await request.post('/api/v1/models', {
    headers: auth,
    data: { id: 'e2e-host/mistral-7b-copy', display_name: 'Mistral 7B (host copy)' },
  });
  const offering = await request.post('/api/v1/offerings', {
    headers: auth,
    data: { model_id: 'e2e-host/mistral-7b-copy', provider: 'e2e-host', provider_model_id: 'mistral-7b' },
  });
  expect(offering.status()).toBe(201);

  await page.goto('/login?returnUrl=%2Fcatalog%2Fmodels%2Fe2e-host%2Fmistral-7b-copy');
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: 'Mistral 7B (host copy)' })).toBeVisible();
  await page.getByTestId('merge-model').click();
  const dialog = page.getByRole('dialog');
  // Typing searches the catalog; the operator picks the model from the suggestions.
  await dialog.getByTestId('identity-target').fill('Mistral-7B-Instruct');
  await page.getByRole('option', { name: 'mistralai/Mistral-7B-Instruct-v0.2', exact: true }).click();
  await expect(dialog.getByTestId('identity-target')).toHaveValue('mistralai/Mistral-7B-Instruct-v0.2');
  await expect(dialog.getByTestId('identity-apply')).toBeDisabled();
  await dialog.getByTestId('identity-preview-btn').click();
  await expect(dialog.getByTestId('identity-preview')).toContainText(
    'Moves 1 offering to mistralai/Mistral-7B-Instruct-v0.2 and removes e2e-host/mistral-7b-copy; e2e-host/mistral-7b-copy becomes its alias.',
  );
  await expect(dialog.getByTestId('identity-preview')).toContainText('e2e-host · mistral-7b');
  await page.screenshot({ path: join(__dirname, '../../../dist/e2e/merge-preview.png') });
  await dialog.getByTestId('identity-apply').click();

  await expect(page).toHaveURL(/\/catalog\/models\/mistralai\/Mistral-7B-Instruct-v0\.2$/);
  await expect(page.getByTestId('offering-e2e-host')).toContainText('mistral-7b');
  // Why an offering serves this model is in its row's details.
  await page.getByTestId('expand-e2e-host').click();
  await expect(page.getByTestId('identity-e2e-host')).toContainText(
    'Placed by an operator: merged from e2e-host/mistral-7b-copy by admin@e2e.local',
  );
  await expect(page.getByTestId('aliases')).toContainText('e2e-host/mistral-7b-copy');
  const merged = await request.get('/api/v1/models/e2e-host/mistral-7b-copy');
  expect((await merged.json()).id).toBe('mistralai/Mistral-7B-Instruct-v0.2');
  const audit = await request.get('/api/v1/audit?action=model.merged', { headers: auth });
  expect(audit.status()).toBe(200);
  expect((await audit.json()).data).toEqual([
    expect.objectContaining({ action: 'model.merged', target_id: 'e2e-host/mistral-7b-copy' }),
  ]);
});
