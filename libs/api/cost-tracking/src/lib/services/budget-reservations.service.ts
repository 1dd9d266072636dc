import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError, execute, Principal, query } from '@mph/api-core';
import { Dec } from '@mph/cost-engine';
import { DataSource, EntityManager } from 'typeorm';
import { BudgetAlerts } from './budget-alerts.service';
import { BudgetLedger, BudgetRow, periodOf } from './budget-ledger.service';

/**
 * Hard budgets hold calls in flight: `reserve` locks each applicable budget's period row (concurrent calls queue) and
 * books the call's maximum cost, or refuses it with 402; `settle` releases the booking once the real cost is recorded,
 * so a budget is never exceeded by more than the difference between a call's maximum and its real cost.
 */
@Injectable()
export class BudgetReservations {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: BudgetLedger,
    private readonly alerts: BudgetAlerts,
  ) {}

  /** Whether any hard budget applies to a call by this caller (answered from memory). */
  hasHardBudget(by: Principal, project: string | null): Promise<boolean> {
    return this.ledger.hasHardBudget(by, project);
  }

  /** Live budgets that apply to a call by this caller (its user, its API key, the project). */
  async applicable(m: EntityManager, by: Principal, project: string | null): Promise<BudgetRow[]> {
    return query<BudgetRow>(
      m,
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
        await execute(
          m,
          `INSERT INTO budget_periods (budget_id, period_start) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
          [b.id, start],
        );
        const [{ reserved }] = await query<{ reserved: string }>(
          m,
          `SELECT reserved::text FROM budget_periods WHERE budget_id = $1 AND period_start = $2 FOR UPDATE`,
          [b.id, start],
        );
        const used = await this.ledger.spent(m, b, start, end);
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
        await execute(
          m,
          `UPDATE budget_periods SET reserved = reserved + $3 WHERE budget_id = $1 AND period_start = $2`,
          [b.id, start, call.maxCost],
        );
        const [r] = await query<{ id: string }>(
          m,
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
      const rows = await query<{ budget_id: string; period_start: string; amount: string }>(
        m,
        `DELETE FROM budget_reservations WHERE id = ANY($1::uuid[]) RETURNING budget_id, period_start::text, amount::text`,
        [reservationIds],
      );
      for (const r of rows.sort((a, b) => a.budget_id.localeCompare(b.budget_id))) {
        await execute(
          m,
          `UPDATE budget_periods SET reserved = greatest(reserved - $3::numeric, 0) WHERE budget_id = $1 AND period_start = $2`,
          [r.budget_id, r.period_start, r.amount],
        );
      }
      return [...new Set(rows.map((r) => r.budget_id))];
    });
    await this.alerts.alert(budgets);
  }
}
