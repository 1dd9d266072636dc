import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService, IdentityDirectory, ProjectAccess, SYSTEM_ACTOR, actorOf } from '@mph/api-auth';
import { randomBytes } from 'node:crypto';
import {
  APP_CONFIG,
  AppConfig,
  checkFeedUrl,
  DataChanges,
  DomainError,
  FeedFetchError,
  postJson,
  Principal,
  SecretBox,
} from '@mph/api-core';
import { webhookSignature } from '@mph/api-pricing';
import { Dec } from '@mph/cost-engine';
import { DataSource, EntityManager } from 'typeorm';
import { seesAllCosts } from './cost-reports.service';

export type BudgetScope = 'user' | 'project' | 'api_key';
export const ALERT_THRESHOLDS = [50, 80, 100];

export interface BudgetRow {
  id: string;
  owner_id: string;
  scope: BudgetScope;
  scope_id: string;
  name: string;
  amount: string;
  currency: string;
  period: 'daily' | 'monthly';
  mode: 'hard' | 'soft';
}

export interface BudgetStatus {
  id: string;
  name: string;
  scope: BudgetScope;
  scope_id: string;
  /** The project's name for project budgets (scope_id is its id); null otherwise. */
  scope_name: string | null;
  amount: string;
  currency: string;
  period: string;
  mode: string;
  period_start: string;
  period_end: string;
  spent: string;
  reserved: string;
  remaining: string;
  percent: string;
}

/** First day of the budget's period containing `at` and the first day after it (calendar UTC). */
export function periodOf(period: 'daily' | 'monthly', at: Date): { start: string; end: string } {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  const start = period === 'daily' ? new Date(Date.UTC(y, m, d)) : new Date(Date.UTC(y, m, 1));
  const end = period === 'daily' ? new Date(Date.UTC(y, m, d + 1)) : new Date(Date.UTC(y, m + 1, 1));
  return { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
}

const SCOPE_SQL: Record<BudgetScope, string> = {
  user: 'd.user_id::text = $1',
  project: 'd.project = $1',
  api_key: 'd.api_key_id::text = $1',
};
const EVENT_SCOPE_SQL: Record<BudgetScope, string> = {
  user: 'e.user_id::text = $1',
  project: 'e.project = $1',
  api_key: 'e.api_key_id::text = $1',
};

/**
 * Budgets per user, project or API key. Spend comes from the daily rollup (what was recorded); a hard budget also
 * counts reservations of calls in flight: `reserve` locks the budget's period row, so concurrent calls queue and the
 * budget is never exceeded by more than the difference between a call's maximum and its real cost.
 */
@Injectable()
export class BudgetsService {
  private readonly log = new Logger('Budgets');

  /** `scope:scope_id` of every live budget (and of the hard ones), in memory: calls without one skip the database. */
  private scopes: Promise<{ all: Set<string>; hard: Set<string> }> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly secrets: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly changes: DataChanges,
    private readonly projects: ProjectAccess,
    private readonly identity: IdentityDirectory,
  ) {
    changes.subscribe((table) => {
      if (table === null || table === 'budgets') this.scopes = null;
    });
  }

  /**
   * Whether any hard budget applies to a call by this caller (user, key or project): answered from memory, so the
   * gateway's hot path reserves only when it must. While change notifications are down it reads the database.
   */
  async hasHardBudget(by: Principal, project: string | null): Promise<boolean> {
    return this.matches((await this.budgetScopes()).hard, by, project ? [project] : []);
  }

  private budgetScopes(): Promise<{ all: Set<string>; hard: Set<string> }> {
    let scopes = this.changes.live ? this.scopes : null;
    if (!scopes) {
      const generation = this.changes.generation;
      scopes = this.dataSource
        .query(`SELECT scope || ':' || scope_id AS k, mode FROM budgets WHERE deleted_at IS NULL`)
        .then((rows: { k: string; mode: string }[]) => ({
          all: new Set(rows.map((r) => r.k)),
          hard: new Set(rows.filter((r) => r.mode === 'hard').map((r) => r.k)),
        }));
      if (this.changes.live && this.changes.generation === generation) this.scopes = scopes;
      scopes.catch(() => (this.scopes = null));
    }
    return scopes;
  }

  private matches(set: Set<string>, by: Principal, projects: string[]): boolean {
    return (
      set.has(`user:${by.userId}`) ||
      (!!by.apiKeyId && set.has(`api_key:${by.apiKeyId}`)) ||
      projects.some((p) => set.has(`project:${p}`))
    );
  }

  /**
   * What a budget's scope spent in the period, in the budget's currency (USD): every event at the exchange rate
   * stored with it. Events recorded before a rate for their day was known are converted at the latest rate known
   * now; `unconvertible` names the currencies that have no rate at all (a hard budget then refuses calls).
   */
  private async spent(
    m: EntityManager,
    b: BudgetRow,
    start: string,
    end: string,
  ): Promise<{ spent: string; unconvertible: string[] }> {
    if (b.currency.trim() !== 'USD') {
      // Budgets are created in the reporting currency; an older row in another currency counts that currency only.
      const [{ spent }] = await m.query(
        `SELECT coalesce(sum(d.cost), 0)::text AS spent FROM usage_daily d
          WHERE ${SCOPE_SQL[b.scope]} AND d.day >= $2::date AND d.day < $3::date AND d.currency = $4`,
        [b.scope_id, start, end, b.currency],
      );
      return { spent, unconvertible: [] };
    }
    const [{ usd, unconverted }]: { usd: string; unconverted: string }[] = await m.query(
      `SELECT coalesce(sum(d.cost_usd), 0)::text AS usd, coalesce(sum(d.unconverted_events), 0)::text AS unconverted
         FROM usage_daily d WHERE ${SCOPE_SQL[b.scope]} AND d.day >= $2::date AND d.day < $3::date`,
      [b.scope_id, start, end],
    );
    if (unconverted === '0') return { spent: usd, unconvertible: [] };
    const late: { currency: string; cost: string; rate: string | null }[] = await m.query(
      `SELECT e.currency, sum(e.total_cost)::text AS cost,
              (SELECT f.usd_per_unit::text FROM fx_rates f WHERE f.currency = e.currency AND f.day < $3::date
                ORDER BY f.day DESC LIMIT 1) AS rate
         FROM usage_events e
        WHERE ${EVENT_SCOPE_SQL[b.scope]} AND e.occurred_at >= $2::date AND e.occurred_at < $3::date
          AND e.total_cost IS NOT NULL AND e.fx_rate IS NULL AND e.currency <> 'USD'
        GROUP BY e.currency ORDER BY e.currency`,
      [b.scope_id, start, end],
    );
    let total = new Dec(usd);
    const unconvertible: string[] = [];
    for (const r of late) {
      if (r.rate === null) unconvertible.push(r.currency.trim());
      else total = total.plus(new Dec(r.cost).times(r.rate));
    }
    return { spent: total.toFixed(), unconvertible };
  }

  async status(b: BudgetRow, at = new Date(), m: EntityManager = this.dataSource.manager): Promise<BudgetStatus> {
    const { start, end } = periodOf(b.period, at);
    const spent = new Dec((await this.spent(m, b, start, end)).spent);
    const [p] = await m.query(`SELECT reserved::text FROM budget_periods WHERE budget_id = $1 AND period_start = $2`, [
      b.id,
      start,
    ]);
    const reserved = new Dec(p?.reserved ?? 0);
    const amount = new Dec(b.amount);
    return {
      id: b.id,
      name: b.name,
      scope: b.scope,
      scope_id: b.scope_id,
      scope_name: null,
      amount: amount.toFixed(),
      currency: b.currency.trim(),
      period: b.period,
      mode: b.mode,
      period_start: start,
      period_end: end,
      spent: spent.toFixed(),
      reserved: reserved.toFixed(),
      remaining: Dec.max(0, amount.minus(spent).minus(reserved)).toFixed(),
      percent: spent.div(amount).times(100).toDecimalPlaces(2).toFixed(),
    };
  }

  /** Live budgets that apply to a call by this caller (its user, its API key, the project). */
  async applicable(m: EntityManager, by: Principal, project: string | null): Promise<BudgetRow[]> {
    return m.query(
      `SELECT id, owner_id, scope, scope_id, name, amount::text, currency, period, mode FROM budgets
        WHERE deleted_at IS NULL AND ((scope = 'user' AND scope_id = $1) OR (scope = 'api_key' AND scope_id = $2)
              OR (scope = 'project' AND $3::text IS NOT NULL AND scope_id = $3))
        ORDER BY id`,
      [by.userId, by.apiKeyId ?? '', project],
    );
  }

  /**
   * Reserves a call's maximum cost on every hard budget that applies; 402 BUDGET_EXCEEDED (nothing reserved) when
   * one of them cannot take it. Returns the reservation ids to settle after the call.
   */
  async reserve(by: Principal, call: { project?: string | null; maxCost: string; at?: Date }): Promise<string[]> {
    const at = call.at ?? new Date();
    return this.dataSource.transaction(async (m) => {
      const ids: string[] = [];
      for (const b of (await this.applicable(m, by, call.project ?? null)).filter((x) => x.mode === 'hard')) {
        const { start, end } = periodOf(b.period, at);
        await m.query(`INSERT INTO budget_periods (budget_id, period_start) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
          b.id,
          start,
        ]);
        const [{ reserved }] = await m.query(
          `SELECT reserved::text FROM budget_periods WHERE budget_id = $1 AND period_start = $2 FOR UPDATE`,
          [b.id, start],
        );
        const used = await this.spent(m, b, start, end);
        if (used.unconvertible.length) {
          throw new DomainError(
            402,
            'BUDGET_UNCONVERTIBLE',
            `The ${b.period} budget "${b.name}" is in ${b.currency.trim()}, and spend in ` +
              `${used.unconvertible.join(', ')} this period has no exchange rate to convert it; an operator sets one ` +
              'with PUT /api/v1/fx-rates.',
            { budget_id: b.id, currencies: used.unconvertible, period_start: start, period_end: end },
          );
        }
        const spent = new Dec(used.spent);
        const after = spent.plus(reserved).plus(call.maxCost);
        if (after.gt(b.amount)) {
          throw new DomainError(
            402,
            'BUDGET_EXCEEDED',
            `The ${b.period} budget "${b.name}" (${b.amount} ${b.currency.trim()}) cannot cover this call: ` +
              `${spent.toFixed()} spent and ${new Dec(reserved).toFixed()} reserved, this call may cost up to ${call.maxCost}.`,
            {
              budget_id: b.id,
              scope: b.scope,
              amount: new Dec(b.amount).toFixed(),
              spent: spent.toFixed(),
              reserved: new Dec(reserved).toFixed(),
              requested: call.maxCost,
              period_start: start,
              period_end: end,
            },
          );
        }
        await m.query(`UPDATE budget_periods SET reserved = reserved + $3 WHERE budget_id = $1 AND period_start = $2`, [
          b.id,
          start,
          call.maxCost,
        ]);
        const [r] = await m.query(
          `INSERT INTO budget_reservations (budget_id, period_start, amount) VALUES ($1, $2, $3) RETURNING id`,
          [b.id, start, call.maxCost],
        );
        ids.push(r.id);
      }
      return ids;
    });
  }

  /**
   * Releases reservations once the call's real cost is recorded (through usage ingest, which feeds the rollup the
   * budgets read), then raises the alerts the new spend crosses.
   */
  async settle(reservationIds: string[]): Promise<void> {
    if (!reservationIds.length) return;
    const budgets = await this.dataSource.transaction(async (m) => {
      // TypeORM answers [rows, affected] for DELETE … RETURNING.
      const result = await m.query(
        `DELETE FROM budget_reservations WHERE id = ANY($1::uuid[]) RETURNING budget_id, period_start::text, amount::text`,
        [reservationIds],
      );
      const rows: { budget_id: string; period_start: string; amount: string }[] = Array.isArray(result[0])
        ? result[0]
        : result;
      for (const r of rows.sort((a, b) => a.budget_id.localeCompare(b.budget_id))) {
        await m.query(
          `UPDATE budget_periods SET reserved = greatest(reserved - $3::numeric, 0) WHERE budget_id = $1 AND period_start = $2`,
          [r.budget_id, r.period_start, r.amount],
        );
      }
      return [...new Set(rows.map((r) => r.budget_id))];
    });
    await this.alert(budgets);
  }

  /** Audits each alert threshold (50/80/100%) the first time a budget's period crosses it. */
  async alert(budgetIds: string[], at = new Date()): Promise<number> {
    let raised = 0;
    const deliveries: { url: string; sealed: string; body: string; budgetId: string; allowedHosts: string[] }[] = [];
    for (const id of budgetIds) {
      await this.dataSource.transaction(async (m) => {
        const [b]: (BudgetRow & {
          webhook_url: string | null;
          webhook_secret_sealed: string | null;
          owner_role: string;
        })[] = await m.query(
          `SELECT b.id, b.owner_id, b.scope, b.scope_id, b.name, b.amount::text, b.currency, b.period, b.mode,
                  b.webhook_url, b.webhook_secret_sealed
             FROM budgets b WHERE b.id = $1 AND b.deleted_at IS NULL`,
          [id],
        );
        if (!b) return;
        b.owner_role = (await this.identity.users([b.owner_id])).get(b.owner_id)?.role ?? 'member';
        const { start } = periodOf(b.period, at);
        await m.query(`INSERT INTO budget_periods (budget_id, period_start) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
          b.id,
          start,
        ]);
        const [{ alerts_sent }] = await m.query(
          `SELECT alerts_sent FROM budget_periods WHERE budget_id = $1 AND period_start = $2 FOR UPDATE`,
          [b.id, start],
        );
        const s = await this.status(b, at, m);
        const crossed = ALERT_THRESHOLDS.filter(
          (t) => new Dec(s.percent).gte(t) && !(alerts_sent as number[]).includes(t),
        );
        if (!crossed.length) return;
        await m.query(
          `UPDATE budget_periods SET alerts_sent = alerts_sent || $3::int[] WHERE budget_id = $1 AND period_start = $2`,
          [b.id, start, crossed],
        );
        for (const threshold of crossed) {
          await this.audit.record(m, {
            actor: SYSTEM_ACTOR,
            action: 'budget.alert',
            targetType: 'budget',
            targetId: b.id,
            after: { threshold, ...s },
          });
          raised++;
          if (b.webhook_url && b.webhook_secret_sealed) {
            deliveries.push({
              url: b.webhook_url,
              sealed: b.webhook_secret_sealed,
              budgetId: b.id,
              allowedHosts: this.webhookHostsFor(b.owner_role),
              body: JSON.stringify({ event: 'budget.alert', threshold, budget: s, sent_at: new Date().toISOString() }),
            });
          }
        }
      });
    }
    // Delivered after the alert is committed: a slow or failing receiver never holds the budget's lock.
    for (const d of deliveries) await this.deliver(d);
    return raised;
  }

  /** One signed POST (X-MPH-Signature: HMAC-SHA256 over timestamp.body, as for price webhooks); failures are audited. */
  private async deliver(d: {
    url: string;
    sealed: string;
    body: string;
    budgetId: string;
    allowedHosts: string[];
  }): Promise<void> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const status = await postJson(d.url, d.body, {
        timeoutMs: 5000,
        allowedHosts: d.allowedHosts,
        headers: {
          'x-mph-event': 'budget.alert',
          'x-mph-timestamp': timestamp,
          'x-mph-signature': webhookSignature(this.secrets.open(d.sealed), timestamp, d.body),
        },
      });
      if (status >= 300) throw new Error(`answered HTTP ${status}`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.warn(`Budget ${d.budgetId}: webhook ${d.url} failed: ${message}`);
      await this.dataSource.transaction((m) =>
        this.audit.record(m, {
          actor: SYSTEM_ACTOR,
          action: 'budget.webhook_failed',
          targetType: 'budget',
          targetId: d.budgetId,
          after: { url: d.url, error: message },
        }),
      );
    }
  }

  /**
   * Private webhook targets (WEBHOOK_ALLOWED_HOSTS, its own setting: feeds and providers have theirs) are for admins'
   * budgets only: a member's webhook pointed at the server's LAN would be a way to probe it.
   */
  private webhookHostsFor(role: string): string[] {
    return role === 'admin' ? this.config.webhooks.allowedHosts : [];
  }

  /** Alerts for the budgets a batch of usage may have moved (the caller's user and key, the batch's projects). */
  async alertFor(by: Principal, projects: string[]): Promise<void> {
    if (!this.matches((await this.budgetScopes()).all, by, projects)) return;
    const ids: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM budgets WHERE deleted_at IS NULL AND ((scope = 'user' AND scope_id = $1)
          OR (scope = 'api_key' AND scope_id = $2) OR (scope = 'project' AND scope_id = ANY($3::text[])))`,
      [by.userId, by.apiKeyId ?? '', projects],
    );
    await this.alert(ids.map((r) => r.id));
  }

  /**
   * Budgets the caller sees: operators and admins all; a member those they set and those placed on them (on their
   * user, their API keys or a project they use), so nobody is blocked by a cap they cannot see.
   */
  async list(by: Principal): Promise<BudgetStatus[]> {
    const all = seesAllCosts(by);
    const projects = all ? [] : (await this.projects.usableBy(by)).map((p) => p.id);
    const keys = all ? [] : await this.identity.apiKeyIdsOf(by.userId);
    const rows: BudgetRow[] = await this.dataSource.query(
      `SELECT id, owner_id, scope, scope_id, name, amount::text, currency, period, mode FROM budgets
        WHERE deleted_at IS NULL
          AND ($1::uuid IS NULL OR owner_id = $1
               OR (scope = 'user' AND scope_id = $1::text)
               OR (scope = 'api_key' AND scope_id = ANY($3::text[]))
               OR (scope = 'project' AND scope_id = ANY($2::text[])))
        ORDER BY name, id`,
      [all ? null : by.userId, projects, keys],
    );
    const names = await this.projects.names(rows.filter((b) => b.scope === 'project').map((b) => b.scope_id));
    return Promise.all(
      rows.map(async (b) => ({
        ...(await this.status(b)),
        scope_name: b.scope === 'project' ? (names.get(b.scope_id) ?? null) : null,
      })),
    );
  }

  async create(
    by: Principal,
    input: {
      name: string;
      scope: BudgetScope;
      scope_id?: string;
      amount: string;
      period: 'daily' | 'monthly';
      mode: 'hard' | 'soft';
      webhook_url?: string;
    },
  ): Promise<BudgetStatus & { webhook_secret?: string }> {
    let scopeId = input.scope_id ?? '';
    if (input.scope === 'user') {
      scopeId = scopeId || by.userId;
      if (scopeId !== by.userId && !seesAllCosts(by)) {
        throw DomainError.forbidden('FORBIDDEN', 'Members set budgets on their own usage only.');
      }
    } else if (input.scope === 'api_key') {
      const key = (await this.identity.apiKeys([scopeId])).get(scopeId);
      if (!key) throw DomainError.notFound('API_KEY_NOT_FOUND', `No API key ${scopeId}.`);
      if (key.user_id !== by.userId && !seesAllCosts(by)) {
        throw DomainError.forbidden('FORBIDDEN', 'Members set budgets on their own API keys only.');
      }
    } else if (!scopeId) {
      throw DomainError.badRequest('VALIDATION_FAILED', 'scope_id: the project (its id or name).', [
        { field: 'scope_id', problems: ['required for project budgets'] },
      ]);
    } else {
      // Operators and admins budget any project, members the projects they own; stored by the project's id.
      scopeId = (await this.projects.forManage(by, scopeId)).id;
    }
    let secret: string | undefined;
    if (input.webhook_url) {
      try {
        checkFeedUrl(input.webhook_url, this.webhookHostsFor(by.role), 'WEBHOOK_ALLOWED_HOSTS (admins’ budgets)');
      } catch (e) {
        throw DomainError.badRequest('VALIDATION_FAILED', (e as FeedFetchError).message, [
          { field: 'webhook_url', problems: [(e as FeedFetchError).message] },
        ]);
      }
      secret = `whsec_${randomBytes(24).toString('base64url')}`;
    }
    const b = await this.dataSource.transaction(async (m) => {
      const [row]: BudgetRow[] = await m.query(
        `INSERT INTO budgets (owner_id, scope, scope_id, name, amount, period, mode, webhook_url, webhook_secret_sealed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING id, owner_id, scope, scope_id, name, amount::text, currency, period, mode`,
        [
          by.userId,
          input.scope,
          scopeId,
          input.name,
          input.amount,
          input.period,
          input.mode,
          input.webhook_url ?? null,
          secret ? this.secrets.seal(secret) : null,
        ],
      );
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'budget.created',
        targetType: 'budget',
        targetId: row.id,
        after: { ...row },
      });
      return row;
    });
    this.changes.changed('budgets');
    const scopeName =
      b.scope === 'project' ? ((await this.projects.names([b.scope_id])).get(b.scope_id) ?? null) : null;
    return { ...(await this.status(b)), scope_name: scopeName, ...(secret ? { webhook_secret: secret } : {}) };
  }

  async remove(by: Principal, id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const [b] = await m.query(`SELECT owner_id FROM budgets WHERE id = $1 AND deleted_at IS NULL`, [id]);
      // Another member's budget answers 404, as if it did not exist.
      if (!b || (b.owner_id !== by.userId && !seesAllCosts(by))) {
        throw DomainError.notFound('BUDGET_NOT_FOUND', `No budget ${id}.`);
      }
      await m.query(`UPDATE budgets SET deleted_at = now() WHERE id = $1`, [id]);
      await this.audit.record(m, { actor: actorOf(by), action: 'budget.deleted', targetType: 'budget', targetId: id });
    });
    this.changes.changed('budgets');
  }
}
