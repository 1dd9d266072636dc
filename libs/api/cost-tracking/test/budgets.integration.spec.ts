import { Module } from '@nestjs/common';
import { AuthModule, SYSTEM_ACTOR, UsersService } from '@mph/api-auth';
import { CatalogModule, DemoSeedService } from '@mph/api-catalog';
import { CoreModule, Principal } from '@mph/api-core';
import { createTestApp, TEST_ENV, TestApp } from '@mph/api-core/testing';
import { DemoPricesSeedService, PricingModule } from '@mph/api-pricing';
import request from 'supertest';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { webhookSignature } from '@mph/api-pricing';
import { BudgetReservations, CostTrackingModule, periodOf } from '../src';

@Module({})
class Root {}

describe('budgets', () => {
  let t: TestApp;
  let db: DataSource;
  const token = {} as Record<'member' | 'other' | 'operator' | 'admin', string>;
  const principal = {} as Record<'member' | 'other', Principal>;

  beforeAll(async () => {
    t = await createTestApp({
      env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' },
      root: (o) => ({
        module: Root,
        imports: [CoreModule.forRoot(o), AuthModule, CatalogModule, PricingModule, CostTrackingModule],
      }),
    });
    db = t.app.get(DataSource);
    await t.app.get(DemoSeedService).seedIfEmpty();
    await t.app.get(DemoPricesSeedService).seedIfEmpty();
    for (const [who, role] of [
      ['member', 'member'],
      ['other', 'member'],
      ['operator', 'operator'],
    ] as const) {
      const { user } = await t.app
        .get(UsersService)
        .create(SYSTEM_ACTOR, { email: `${who}@budget.test`, role, password: `${who}-password-123` });
      if (who !== 'operator') principal[who] = { userId: user.id, email: user.email, role, via: 'session' };
      token[who] = (
        await request(t.app.getHttpServer())
          .post('/api/v1/auth/login')
          .send({ email: `${who}@budget.test`, password: `${who}-password-123` })
      ).body.access_token;
    }
    token.admin = (
      await request(t.app.getHttpServer())
        .post('/api/v1/auth/login')
        .send({ email: TEST_ENV['ADMIN_EMAIL'], password: TEST_ENV['ADMIN_PASSWORD'] })
    ).body.access_token;
  });
  afterAll(() => t.close());

  const as = (who: keyof typeof token) => {
    const http = request(t.app.getHttpServer());
    return {
      get: (url: string) => http.get(url).set('Authorization', `Bearer ${token[who]}`),
      post: (url: string, body: object) => http.post(url).set('Authorization', `Bearer ${token[who]}`).send(body),
      patch: (url: string, body: object) => http.patch(url).set('Authorization', `Bearer ${token[who]}`).send(body),
      delete: (url: string) => http.delete(url).set('Authorization', `Bearer ${token[who]}`),
    };
  };

  it('computes calendar UTC periods', () => {
    expect(periodOf('monthly', new Date('2026-02-28T23:59:59Z'))).toEqual({ start: '2026-02-01', end: '2026-03-01' });
    expect(periodOf('daily', new Date('2026-12-31T10:00:00Z'))).toEqual({ start: '2026-12-31', end: '2027-01-01' });
  });

  it('lets 50 concurrent calls against a hard budget reserve no more than it holds, then 402 with its state', async () => {
    const budget = (
      await as('member')
        .post('/api/v1/budgets', { name: 'Mine', scope: 'user', amount: '10', period: 'daily', mode: 'hard' })
        .expect(201)
    ).body;
    expect(budget).toMatchObject({ scope: 'user', spent: '0', reserved: '0', remaining: '10' });
    const budgets = t.app.get(BudgetReservations);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () => budgets.reserve(principal.member, { maxCost: '0.7' })),
    );
    const ok = outcomes.filter((o) => o.status === 'fulfilled') as PromiseFulfilledResult<string[]>[];
    const refused = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
    expect(ok).toHaveLength(14); // 14 × 0.7 = 9.8 ≤ 10 < 15 × 0.7
    expect(refused[0].reason).toMatchObject({ status: 402, code: 'BUDGET_EXCEEDED' });
    expect(refused[0].reason.details).toMatchObject({ amount: '10', spent: '0', reserved: '9.8', requested: '0.7' });
    const [status] = (await as('member').get('/api/v1/budgets').expect(200)).body.data;
    expect(status).toMatchObject({ reserved: '9.8', remaining: '0.2' });

    await budgets.settle(ok.flatMap((o) => o.value));
    const [after] = (await as('member').get('/api/v1/budgets').expect(200)).body.data;
    expect(after).toMatchObject({ reserved: '0', remaining: '10' });
    // Other users' calls are not limited by it.
    expect(await budgets.reserve(principal.other, { maxCost: '100' })).toEqual([]);
  });

  it('counts recorded usage and raises 50/80/100% alerts once each', async () => {
    await as('other')
      .post('/api/v1/budgets', { name: 'Soft', scope: 'user', amount: '0.2', period: 'monthly', mode: 'soft' })
      .expect(201);
    const today = new Date().toISOString();
    const usage = (k: string) => ({
      idempotency_key: k,
      timestamp: today,
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      usage: { input_tokens: 100_000, cache_write_5m_tokens: 10_000, cache_read_tokens: 80_000, output_tokens: 1000 },
    });
    await as('other')
      .post('/api/v1/usage', { events: [usage('a')] })
      .expect(200); // 0.1065 = 53%
    await as('other')
      .post('/api/v1/usage', { events: [usage('b')] })
      .expect(200); // 0.213 = 106%
    const [b] = (await as('other').get('/api/v1/budgets').expect(200)).body.data;
    expect(b).toMatchObject({ spent: '0.213', percent: '106.5', remaining: '0' });
    const alerts = await db.query(
      `SELECT after->>'threshold' AS threshold FROM audit_events WHERE action = 'budget.alert' AND target_id = $1 ORDER BY (after->>'threshold')::int`,
      [b.id],
    );
    expect(alerts.map((a: { threshold: string }) => a.threshold)).toEqual(['50', '80', '100']);
    await as('other')
      .post('/api/v1/usage', { events: [usage('c')] })
      .expect(200);
    const again = await db.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'budget.alert' AND target_id = $1`,
      [b.id],
    );
    expect(again[0].n).toBe(3);
  });

  it('posts each alert to an admin budget’s webhook, signed; private webhook targets are for admins only', async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/budget`;
      // WEBHOOK_ALLOWED_HOSTS lets admins' budgets reach 127.0.0.1; an operator's or a member's may not.
      for (const who of ['operator', 'member'] as const) {
        const refused = await as(who)
          .post('/api/v1/budgets', {
            name: 'Hook',
            scope: 'user',
            amount: '1',
            period: 'daily',
            mode: 'soft',
            webhook_url: url,
          })
          .expect(400);
        expect(refused.body.error.message).toContain('WEBHOOK_ALLOWED_HOSTS');
      }
      const created = await as('admin')
        .post('/api/v1/budgets', {
          name: 'Hooked',
          scope: 'user',
          amount: '0.1',
          period: 'monthly',
          mode: 'soft',
          webhook_url: url,
        })
        .expect(201);
      const secret = created.body.webhook_secret as string;
      expect(secret).toMatch(/^whsec_/);
      await as('admin')
        .post('/api/v1/usage', {
          events: [
            {
              idempotency_key: 'hook-1',
              provider: 'anthropic',
              model: 'claude-sonnet-4-5',
              usage: {
                input_tokens: 100_000,
                cache_write_5m_tokens: 10_000,
                cache_read_tokens: 80_000,
                output_tokens: 1000,
              },
            },
          ],
        })
        .expect(200);
      expect(received.map((r) => JSON.parse(r.body).threshold).sort((a, b) => a - b)).toEqual([50, 80, 100]);
      for (const r of received) {
        const ts = String(r.headers['x-mph-timestamp']);
        expect(r.headers['x-mph-signature']).toBe(webhookSignature(secret, ts, r.body));
        expect(JSON.parse(r.body)).toMatchObject({
          event: 'budget.alert',
          budget: { name: 'Hooked', spent: '0.1065' },
        });
      }
      await as('admin')
        .post('/api/v1/budgets', {
          name: 'Bad hook',
          scope: 'user',
          amount: '1',
          period: 'daily',
          mode: 'soft',
          webhook_url: 'http://169.254.169.254/x',
        })
        .expect(400);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('keeps budgets to their owners; project budgets on the project itself, by operators or its owner', async () => {
    const [mine] = (await as('member').get('/api/v1/budgets').expect(200)).body.data;
    expect(
      (await as('other').get('/api/v1/budgets').expect(200)).body.data.map((b: { id: string }) => b.id),
    ).not.toContain(mine.id);
    await as('other').delete(`/api/v1/budgets/${mine.id}`).expect(404);
    // Projects are chat projects (libs/api/chat creates them; this suite runs without chat, so they are inserted).
    const [x] = await db.query(`INSERT INTO chat_projects (owner_id, name) VALUES ($1, 'x') RETURNING id`, [
      principal.other.userId,
    ]);
    const [own] = await db.query(`INSERT INTO chat_projects (owner_id, name) VALUES ($1, 'own') RETURNING id`, [
      principal.member.userId,
    ]);
    const projectBudget = (scope_id: string) => ({
      name: 'P',
      scope: 'project',
      scope_id,
      amount: '5',
      period: 'daily',
      mode: 'hard',
    });
    // Another member's project looks like a missing one; a name nobody has is refused, not created.
    for (const ref of ['x', x.id, 'nobody-has-this']) {
      const res = await as('member').post('/api/v1/budgets', projectBudget(ref)).expect(404);
      expect(res.body.error.code).toBe('PROJECT_NOT_FOUND');
    }
    const owned = await as('member').post('/api/v1/budgets', projectBudget('OWN')).expect(201);
    expect([owned.body.scope_id, owned.body.scope_name]).toEqual([own.id, 'own']);
    const byOperator = await as('operator').post('/api/v1/budgets', projectBudget('x')).expect(201);
    expect([byOperator.body.scope_id, byOperator.body.scope_name]).toEqual([x.id, 'x']);
    await as('operator').post('/api/v1/budgets', projectBudget('no-such-project')).expect(404);
    // The owner of x sees the budget an operator placed on their project (and cannot delete it).
    const seen = (await as('other').get('/api/v1/budgets').expect(200)).body.data as {
      id: string;
      scope_name: string;
    }[];
    expect(seen.find((b) => b.id === byOperator.body.id)?.scope_name).toBe('x');
    await as('other').delete(`/api/v1/budgets/${byOperator.body.id}`).expect(404);
    expect((await as('operator').get('/api/v1/budgets').expect(200)).body.data.length).toBeGreaterThanOrEqual(3);
    await as('member')
      .post('/api/v1/budgets', { name: 'Bad', scope: 'user', amount: '-1', period: 'daily', mode: 'hard' })
      .expect(400);
    await as('member').delete(`/api/v1/budgets/${mine.id}`).expect(204);
  });

  it('edits a budget in place: a raised amount unblocks a hard budget at once, scope and period stay, audited', async () => {
    const reservations = t.app.get(BudgetReservations);
    const created = (
      await as('other')
        .post('/api/v1/budgets', { name: 'Tight', scope: 'user', amount: '0.5', period: 'daily', mode: 'hard' })
        .expect(201)
    ).body;
    // What it is on, by name (the user's email), not the id.
    expect(created).toMatchObject({ has_webhook: false, editable: true, scope_name: 'other@budget.test' });
    await expect(reservations.reserve(principal.other, { maxCost: '0.7' })).rejects.toMatchObject({ status: 402 });

    // Scope and period define which spend a budget counts: changing them is a new budget, so a PATCH refuses them.
    for (const change of [{ scope: 'project' }, { period: 'monthly' }]) {
      await as('other').patch(`/api/v1/budgets/${created.id}`, change).expect(400);
    }
    const edited = await as('other')
      .patch(`/api/v1/budgets/${created.id}`, { name: 'Less tight', amount: '1.25' })
      .expect(200);
    expect(edited.body).toMatchObject({
      id: created.id,
      name: 'Less tight',
      amount: '1.25',
      scope: 'user',
      scope_id: created.scope_id,
      period: 'daily',
      mode: 'hard',
      spent: created.spent,
    });
    const held = await reservations.reserve(principal.other, { maxCost: '0.7' });
    expect(held).toHaveLength(1);
    await reservations.settle(held);

    // Soft: no longer blocks; a 0 amount and another member's budget are refused; nothing changes on a refusal.
    await as('other').patch(`/api/v1/budgets/${created.id}`, { mode: 'soft' }).expect(200);
    expect(await reservations.reserve(principal.other, { maxCost: '100' })).toEqual([]);
    const zero = await as('other').patch(`/api/v1/budgets/${created.id}`, { amount: '0' }).expect(400);
    expect(zero.body.error.details[0]).toMatchObject({ field: 'amount' });
    const notYours = await as('member').patch(`/api/v1/budgets/${created.id}`, { amount: '99' }).expect(404);
    expect(notYours.body.error.code).toBe('BUDGET_NOT_FOUND');
    const [row] = await db.query(`SELECT amount::text, mode, name FROM budgets WHERE id = $1`, [created.id]);
    expect(row).toEqual({ amount: '1.25', mode: 'soft', name: 'Less tight' });
    const [audit] = await db.query(
      `SELECT before->>'amount' AS before, after->>'amount' AS after FROM audit_events
        WHERE action = 'budget.updated' AND target_id = $1 ORDER BY occurred_at LIMIT 1`,
      [created.id],
    );
    expect(audit).toEqual({ before: '0.5', after: '1.25' });

    // Members may not point alerts at private hosts; an operator sees and edits any budget.
    await as('other').patch(`/api/v1/budgets/${created.id}`, { webhook_url: 'http://127.0.0.1:9/x' }).expect(400);
    const byOperator = await as('operator').patch(`/api/v1/budgets/${created.id}`, { amount: '2' }).expect(200);
    expect(byOperator.body).toMatchObject({ amount: '2', has_webhook: false });
    await as('other').delete(`/api/v1/budgets/${created.id}`).expect(204);
    await as('other').patch(`/api/v1/budgets/${created.id}`, { amount: '3' }).expect(404);
  });

  it('re-arms the alerts a raised amount is no longer past, and alerts when a lowered one crosses a threshold', async () => {
    const b = (
      await as('other')
        .post('/api/v1/budgets', { name: 'Alerts', scope: 'user', amount: '100', period: 'monthly', mode: 'soft' })
        .expect(201)
    ).body;
    const sent = async () =>
      (
        await db.query(`SELECT alerts_sent FROM budget_periods WHERE budget_id = $1 AND period_start = $2`, [
          b.id,
          b.period_start,
        ])
      )[0]?.alerts_sent ?? [];
    // This month's spend so far (earlier calls), then an amount it is 85 % of: past 50 % and 80 %, not 100 %.
    expect(Number(b.spent)).toBeGreaterThan(0);
    const lowered = (Number(b.spent) / 0.85).toFixed(6);
    await as('other').patch(`/api/v1/budgets/${b.id}`, { amount: lowered }).expect(200);
    expect([...(await sent())].sort()).toEqual([50, 80]);
    await as('other').patch(`/api/v1/budgets/${b.id}`, { amount: '100' }).expect(200);
    expect(await sent()).toEqual([]);
    // Members see budgets others placed on them, but may not change them.
    const placed = (
      await as('operator')
        .post('/api/v1/budgets', {
          name: 'Placed',
          scope: 'user',
          scope_id: principal.other.userId,
          amount: '5',
          period: 'daily',
          mode: 'hard',
        })
        .expect(201)
    ).body;
    const seen = (await as('other').get('/api/v1/budgets').expect(200)).body.data.find(
      (x: { id: string }) => x.id === placed.id,
    );
    expect(seen.editable).toBe(false);
    await as('other').patch(`/api/v1/budgets/${placed.id}`, { mode: 'soft' }).expect(404);
  });
});
