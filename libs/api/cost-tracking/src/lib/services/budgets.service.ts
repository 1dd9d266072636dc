import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService, IdentityDirectory, ProjectAccess, actorOf } from '@mph/api-auth';
import { randomBytes } from 'node:crypto';
import {
  checkFeedUrl,
  DataChanges,
  DomainError,
  execute,
  FeedFetchError,
  Principal,
  query,
  SecretBox,
} from '@mph/api-core';
import { DataSource } from 'typeorm';
import { BudgetAlerts } from './budget-alerts.service';
import { BudgetLedger, BudgetRow, BudgetScope, BudgetStatus } from './budget-ledger.service';
import { seesAllCosts } from './cost-reports.service';

export * from './budget-ledger.service';

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** A budget as the budget routes show it: its status and whether alerts go to a webhook. */
export type BudgetView = BudgetStatus & { has_webhook: boolean; editable: boolean; webhook_secret?: string };
type ViewRow = BudgetRow & { has_webhook: boolean };
const BUDGET_COLUMNS = `id, owner_id, scope, scope_id, name, amount::text, currency, period, mode,
  (webhook_url IS NOT NULL) AS has_webhook`;

/** The budget routes: who sees which budgets, creating one (with its webhook secret) and deleting one, audited. */
@Injectable()
export class BudgetsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: BudgetLedger,
    private readonly alerts: BudgetAlerts,
    private readonly audit: AuditService,
    private readonly secrets: SecretBox,
    private readonly changes: DataChanges,
    private readonly projects: ProjectAccess,
    private readonly identity: IdentityDirectory,
  ) {}

  /**
   * Budgets the caller sees: operators and admins all; a member those they set and those placed on them (on their
   * user, their API keys or a project they use), so nobody is blocked by a cap they cannot see.
   */
  async list(by: Principal): Promise<BudgetView[]> {
    const all = seesAllCosts(by);
    const projects = all ? [] : (await this.projects.usableBy(by)).map((p) => p.id);
    const keys = all ? [] : await this.identity.apiKeyIdsOf(by.userId);
    const rows = await query<ViewRow>(
      this.dataSource,
      `SELECT ${BUDGET_COLUMNS} FROM budgets
        WHERE deleted_at IS NULL
          AND ($1::uuid IS NULL OR owner_id = $1
               OR (scope = 'user' AND scope_id = $1::text)
               OR (scope = 'api_key' AND scope_id = ANY($3::text[]))
               OR (scope = 'project' AND scope_id = ANY($2::text[])))
        ORDER BY name, id`,
      [all ? null : by.userId, projects, keys],
    );
    return this.views(rows, by);
  }

  private async views(rows: ViewRow[], by: Principal): Promise<BudgetView[]> {
    const of = (scope: BudgetScope) => rows.filter((b) => b.scope === scope).map((b) => b.scope_id);
    // What the budget is on, by name: the project's name, the user's email, the API key's name (one read each).
    const [projects, users, keys] = await Promise.all([
      this.projects.names(of('project')),
      this.identity.users(of('user').filter(isUuid)),
      this.identity.apiKeys(of('api_key')),
    ]);
    const nameOf = (b: ViewRow): string | null =>
      b.scope === 'project'
        ? (projects.get(b.scope_id) ?? null)
        : b.scope === 'user'
          ? (users.get(b.scope_id)?.email ?? null)
          : (keys.get(b.scope_id)?.name ?? null);
    return Promise.all(
      rows.map(async (b) => ({
        ...(await this.ledger.status(b)),
        scope_name: nameOf(b),
        has_webhook: b.has_webhook,
        // Members change the budgets they set; one placed on them by an operator is shown, not theirs to change.
        editable: b.owner_id === by.userId || seesAllCosts(by),
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
  ): Promise<BudgetView> {
    let scopeId = input.scope_id ?? '';
    if (input.scope === 'user') {
      scopeId = scopeId || by.userId;
      if (scopeId !== by.userId && !seesAllCosts(by)) {
        throw DomainError.forbidden('FORBIDDEN', 'Members set budgets on their own usage only.');
      }
      // Another user's budget names an existing user (an id that is no user would be a budget on nobody).
      if (scopeId !== by.userId && !(await this.identity.users([scopeId].filter(isUuid))).has(scopeId)) {
        throw DomainError.notFound('USER_NOT_FOUND', `No user ${scopeId}.`);
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
    const secret = input.webhook_url ? this.webhookSecret(by.role, input.webhook_url) : undefined;
    const b = await this.dataSource.transaction(async (m) => {
      const [row] = await query<ViewRow>(
        m,
        `INSERT INTO budgets (owner_id, scope, scope_id, name, amount, period, mode, webhook_url, webhook_secret_sealed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING ${BUDGET_COLUMNS}`,
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
    const [view] = await this.views([b], by);
    return { ...view, ...(secret ? { webhook_secret: secret } : {}) };
  }

  /**
   * Changes a budget's name, amount, mode or webhook (its scope and period stay: they define which spend it counts).
   * The new amount applies to the current period at once; a hard budget's calls in flight keep their reservations.
   */
  async update(
    by: Principal,
    id: string,
    input: { name?: string; amount?: string; mode?: 'hard' | 'soft'; webhook_url?: string | null },
  ): Promise<BudgetView> {
    let secret: string | undefined;
    const row = await this.dataSource.transaction(async (m) => {
      const [before] = await query<ViewRow>(
        m,
        `SELECT ${BUDGET_COLUMNS} FROM budgets WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`,
        [id],
      );
      if (!before || (before.owner_id !== by.userId && !seesAllCosts(by))) {
        throw DomainError.notFound('BUDGET_NOT_FOUND', `No budget ${id}.`);
      }
      // A member who no longer manages the project cannot lift (or soften) its budget.
      if (before.scope === 'project' && !seesAllCosts(by)) await this.projects.forManage(by, before.scope_id);
      // Alerts are delivered with the owner's rights (budget-alerts): the address is checked against those.
      if (input.webhook_url) {
        const ownerRole = (await this.identity.users([before.owner_id])).get(before.owner_id)?.role ?? 'member';
        secret = this.webhookSecret(ownerRole, input.webhook_url);
      }
      const webhookChanged = input.webhook_url !== undefined;
      const [after] = await query<ViewRow>(
        m,
        `UPDATE budgets SET name = COALESCE($2, name), amount = COALESCE($3::numeric, amount),
                mode = COALESCE($4, mode),
                webhook_url = CASE WHEN $5 THEN $6 ELSE webhook_url END,
                webhook_secret_sealed = CASE WHEN $5 THEN $7 ELSE webhook_secret_sealed END
          WHERE id = $1
          RETURNING ${BUDGET_COLUMNS}`,
        [
          id,
          input.name ?? null,
          input.amount ?? null,
          input.mode ?? null,
          webhookChanged,
          input.webhook_url ?? null,
          secret ? this.secrets.seal(secret) : null,
        ],
      );
      if (input.amount !== undefined) {
        // A raised amount re-arms the thresholds no longer crossed this period (50 % of 200 is not 50 % of 100).
        const status = await this.ledger.status(after, new Date(), m);
        await execute(
          m,
          `UPDATE budget_periods SET alerts_sent = ARRAY(SELECT t FROM unnest(alerts_sent) t WHERE t <= $3::numeric)
            WHERE budget_id = $1 AND period_start = $2`,
          [id, status.period_start, status.percent],
        );
      }
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'budget.updated',
        targetType: 'budget',
        targetId: id,
        before: { ...before },
        after: { ...after },
      });
      return after;
    });
    this.changes.changed('budgets');
    // A lowered amount may cross a threshold now: alerted as usage would be.
    if (input.amount !== undefined) await this.alerts.alert([id]);
    const [view] = await this.views([row], by);
    return { ...view, ...(secret ? { webhook_secret: secret } : {}) };
  }

  /** Checks a webhook address against the caller's allowed hosts and makes its signing secret. */
  private webhookSecret(role: string, url: string): string {
    try {
      checkFeedUrl(url, this.alerts.webhookHostsFor(role), 'WEBHOOK_ALLOWED_HOSTS (admins’ budgets)');
    } catch (e) {
      throw DomainError.badRequest('VALIDATION_FAILED', (e as FeedFetchError).message, [
        { field: 'webhook_url', problems: [(e as FeedFetchError).message] },
      ]);
    }
    return `whsec_${randomBytes(24).toString('base64url')}`;
  }

  async remove(by: Principal, id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const [b] = await query<{ owner_id: string }>(
        m,
        `SELECT owner_id FROM budgets WHERE id = $1 AND deleted_at IS NULL`,
        [id],
      );
      // Another member's budget answers 404, as if it did not exist.
      if (!b || (b.owner_id !== by.userId && !seesAllCosts(by))) {
        throw DomainError.notFound('BUDGET_NOT_FOUND', `No budget ${id}.`);
      }
      await execute(m, `UPDATE budgets SET deleted_at = now() WHERE id = $1`, [id]);
      await this.audit.record(m, { actor: actorOf(by), action: 'budget.deleted', targetType: 'budget', targetId: id });
    });
    this.changes.changed('budgets');
  }
}
