import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataChanges, Principal, query } from '@mph/api-core';
import { Dec } from '@mph/cost-engine';
import { DataSource, EntityManager } from 'typeorm';

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
 * What budgets say: which apply to a caller (from memory, for the gateway's hot path), what a budget's scope spent in
 * its period (in its currency, late conversions included) and its status. Read by the reservations, the alerts and
 * the budget routes.
 */
@Injectable()
export class BudgetLedger {
  /** `scope:scope_id` of every live budget (and of the hard ones), in memory: calls without one skip the database. */
  private scopes: Promise<{ all: Set<string>; hard: Set<string> }> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: DataChanges,
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

  budgetScopes(): Promise<{ all: Set<string>; hard: Set<string> }> {
    let scopes = this.changes.live ? this.scopes : null;
    if (!scopes) {
      const generation = this.changes.generation;
      scopes = query<{ k: string; mode: string }>(
        this.dataSource,
        `SELECT scope || ':' || scope_id AS k, mode FROM budgets WHERE deleted_at IS NULL`,
      ).then((rows) => ({
        all: new Set(rows.map((r) => r.k)),
        hard: new Set(rows.filter((r) => r.mode === 'hard').map((r) => r.k)),
      }));
      if (this.changes.live && this.changes.generation === generation) this.scopes = scopes;
      scopes.catch(() => (this.scopes = null));
    }
    return scopes;
  }

  matches(set: Set<string>, by: Principal, projects: string[]): boolean {
    return (
      set.has(`user:${by.userId}`) ||
      (!!by.apiKeyId && set.has(`api_key:${by.apiKeyId}`)) ||
      projects.some((p) => set.has(`project:${p}`))
    );
  }

  /** Whether any live budget (hard or soft) is set on this caller's user, key, or one of these projects. */
  async anyApplies(by: Principal, projects: string[]): Promise<boolean> {
    return this.matches((await this.budgetScopes()).all, by, projects);
  }

  /**
   * What a budget's scope spent in the period, in the budget's currency (USD): every event at the exchange rate
   * stored with it. Events recorded before a rate for their day was known are converted at the latest rate known
   * now; `unconvertible` names the currencies that have no rate at all (a hard budget then refuses calls).
   */
  async spent(
    m: EntityManager,
    b: BudgetRow,
    start: string,
    end: string,
  ): Promise<{ spent: string; unconvertible: string[] }> {
    if (b.currency.trim() !== 'USD') {
      // Budgets are created in the reporting currency; an older row in another currency counts that currency only.
      const [{ spent }] = await query<{ spent: string }>(
        m,
        `SELECT coalesce(sum(d.cost), 0)::text AS spent FROM usage_daily d
          WHERE ${SCOPE_SQL[b.scope]} AND d.day >= $2::date AND d.day < $3::date AND d.currency = $4`,
        [b.scope_id, start, end, b.currency],
      );
      return { spent, unconvertible: [] };
    }
    const [{ usd, unconverted }] = await query<{ usd: string; unconverted: string }>(
      m,
      `SELECT coalesce(sum(d.cost_usd), 0)::text AS usd, coalesce(sum(d.unconverted_events), 0)::text AS unconverted
         FROM usage_daily d WHERE ${SCOPE_SQL[b.scope]} AND d.day >= $2::date AND d.day < $3::date`,
      [b.scope_id, start, end],
    );
    if (unconverted === '0') return { spent: usd, unconvertible: [] };
    const late = await query<{ currency: string; cost: string; rate: string | null }>(
      m,
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
    const [p] = await query<{ reserved: string }>(
      m,
      `SELECT reserved::text FROM budget_periods WHERE budget_id = $1 AND period_start = $2`,
      [b.id, start],
    );
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
}
