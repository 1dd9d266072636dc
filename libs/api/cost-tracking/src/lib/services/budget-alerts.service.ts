import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService, IdentityDirectory, SYSTEM_ACTOR } from '@mph/api-auth';
import { APP_CONFIG, AppConfig, execute, postJson, Principal, query, SecretBox } from '@mph/api-core';
import { webhookSignature } from '@mph/api-pricing';
import { Dec } from '@mph/cost-engine';
import { DataSource } from 'typeorm';
import { ALERT_THRESHOLDS, BudgetLedger, BudgetRow, periodOf } from './budget-ledger.service';

/**
 * Budget alerts: each threshold (50/80/100 %) audited the first time a budget's period crosses it, and delivered to
 * the budget's webhook (signed like price webhooks) after the alert is committed.
 */
@Injectable()
export class BudgetAlerts {
  private readonly log = new Logger('Budgets');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: BudgetLedger,
    private readonly audit: AuditService,
    private readonly secrets: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly identity: IdentityDirectory,
  ) {}

  /** Audits each alert threshold (50/80/100%) the first time a budget's period crosses it. */
  async alert(budgetIds: string[], at = new Date()): Promise<number> {
    let raised = 0;
    const deliveries: { url: string; sealed: string; body: string; budgetId: string; allowedHosts: string[] }[] = [];
    for (const id of budgetIds) {
      await this.dataSource.transaction(async (m) => {
        const [b] = await query<
          BudgetRow & { webhook_url: string | null; webhook_secret_sealed: string | null; owner_role: string }
        >(
          m,
          `SELECT b.id, b.owner_id, b.scope, b.scope_id, b.name, b.amount::text, b.currency, b.period, b.mode,
                  b.webhook_url, b.webhook_secret_sealed
             FROM budgets b WHERE b.id = $1 AND b.deleted_at IS NULL`,
          [id],
        );
        if (!b) return;
        b.owner_role = (await this.identity.users([b.owner_id])).get(b.owner_id)?.role ?? 'member';
        const { start } = periodOf(b.period, at);
        await execute(
          m,
          `INSERT INTO budget_periods (budget_id, period_start) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
          [b.id, start],
        );
        const [{ alerts_sent }] = await query<{ alerts_sent: number[] }>(
          m,
          `SELECT alerts_sent FROM budget_periods WHERE budget_id = $1 AND period_start = $2 FOR UPDATE`,
          [b.id, start],
        );
        const s = await this.ledger.status(b, at, m);
        const crossed = ALERT_THRESHOLDS.filter(
          (t) => new Dec(s.percent).gte(t) && !(alerts_sent as number[]).includes(t),
        );
        if (!crossed.length) return;
        await execute(
          m,
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
  webhookHostsFor(role: string): string[] {
    return role === 'admin' ? this.config.webhooks.allowedHosts : [];
  }

  /** Alerts for the budgets a batch of usage may have moved (the caller's user and key, the batch's projects). */
  async alertFor(by: Principal, projects: string[]): Promise<void> {
    if (!(await this.ledger.anyApplies(by, projects))) return;
    const ids = await query<{ id: string }>(
      this.dataSource,
      `SELECT id FROM budgets WHERE deleted_at IS NULL AND ((scope = 'user' AND scope_id = $1)
          OR (scope = 'api_key' AND scope_id = $2) OR (scope = 'project' AND scope_id = ANY($3::text[])))`,
      [by.userId, by.apiKeyId ?? '', projects],
    );
    await this.alert(ids.map((r) => r.id));
  }
}
