import { expect, test } from '@playwright/test';
import { join } from 'node:path';

const ADMIN = { email: 'admin@e2e.local', password: 'e2e-admin-password' };
const shots = join(__dirname, '../../../dist/e2e');

test('chat: a project with a prompt, a streamed answer from the local provider, its tokens and cost, and the call in costs', async ({
  page,
}) => {
  await page.goto('/login?returnUrl=%2Fchat');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Chat', exact: true })).toBeVisible();

  await page.getByTestId('new-project-name').fill('E2E project');
  await page.getByTestId('create-project').click();
  await expect(page.getByTestId('projects')).toContainText('E2E project');

  await page.getByTestId('prompt-name').fill('Team helper');
  await page.getByTestId('prompt-template').fill('You help the {{team}} team.');
  await page.getByTestId('save-prompt').click();
  await expect(page.getByTestId('prompts')).toContainText('Team helper v1');
  await page.getByTestId('use-prompt').click();
  await expect(page.getByTestId('prompts')).toContainText('project prompt');

  await page.getByTestId('variable-team').fill('pricing');
  // The model picker shows who serves each model and its price (the local echo is free).
  await expect(page.getByTestId('session-model')).toContainText('local/echo · Local echo · free');
  await page.getByTestId('new-session').click();
  await expect(page.getByText('Say something to start.')).toBeVisible();

  await page.getByTestId('draft').fill('Hello from the browser');
  await page.getByTestId('send').click();
  const answer = page.getByTestId('message-assistant').last();
  await expect(answer).toContainText('[local echo, not a real model] You said: Hello from the browser');
  const meta = answer.getByTestId('message-meta');
  await expect(meta).toContainText(/\d+ in · 12 out · 0 USD · \d+ ms/);
  await expect(page.getByTestId('sessions')).toContainText('Hello from the browser');
  await expect(page.getByRole('heading', { name: /Hello from the browser/ })).toBeVisible();

  // Editing the prompt makes version 2; the session keeps the version it started with.
  await page.getByTestId('prompt-template').fill('You help the {{team}} team, briefly.');
  await expect(page.getByTestId('save-prompt')).toHaveText('Save as v2');
  await page.getByTestId('save-prompt').click();
  await expect(page.getByTestId('prompts')).toContainText('Team helper v2');
  await page.screenshot({ path: join(shots, 'chat.png'), fullPage: true });

  // A text file goes with the next message; the model (here the echo) reads it.
  await page
    .getByTestId('file-input')
    .setInputFiles({ name: 'prices.csv', mimeType: 'text/csv', buffer: Buffer.from('model,input\ngpt-4o-mini,0.15') });
  await expect(page.getByTestId('attached-files')).toContainText('prices.csv');
  await page.getByTestId('draft').fill('Summarise the file');
  await page.getByTestId('send').click();
  await expect(page.getByTestId('message-user').last()).toContainText('prices.csv');
  await expect(page.getByTestId('message-assistant').last()).toContainText('gpt-4o-mini,0.15');
  await expect(page.getByTestId('attached-files')).toHaveCount(0);

  // A PDF's text is extracted on the server and read with the message.
  // (fixtures/report.pdf: one page, "Quarterly report" / "Spend fell 12% in November", made by makePdf in the
  // chat lib's testing helpers)
  await page.getByTestId('file-input').setInputFiles(join(__dirname, '../fixtures/report.pdf'));
  await page.getByTestId('draft').fill('What does the report say?');
  await page.getByTestId('send').click();
  await expect(page.getByTestId('message-user').last()).toContainText('report.pdf · 1 page');
  await expect(page.getByTestId('message-assistant').last()).toContainText('Spend fell 12% in November');

  // The call is in the costs: the usage explorer lists it, priced at zero.
  await page.goto('/costs/usage');
  await expect(page.getByTestId('usage-table')).toContainText('local/echo');
  await expect(page.getByTestId('usage-table')).toContainText('E2E project');
});

test('connections: the built-in local provider is listed with its breaker, and testing it lists its model', async ({
  page,
}) => {
  await page.goto('/login?returnUrl=%2Fchat%2Fconnections');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Connections' })).toBeVisible();
  await expect(page.getByTestId('connections')).toContainText('Local echo');
  await expect(page.getByTestId('breaker-Local echo')).toContainText('closed');
  await page.getByTestId('test-Local echo').click();
  await expect(page.getByTestId('test-result')).toContainText('Local echo: reachable');
  await expect(page.getByTestId('test-result')).toContainText('local/echo');

  // A private address is refused with a message saying what to do.
  await page.getByTestId('connection-name').fill('Metadata');
  await page.getByTestId('connection-url').fill('http://169.254.169.254/v1');
  await page.getByTestId('add-connection').click();
  await expect(page.getByRole('alert')).toContainText('PROVIDER_ALLOWED_HOSTS');
  await page.screenshot({ path: join(shots, 'connections.png'), fullPage: true });
});
