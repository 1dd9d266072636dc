import { IdentityDirectory, ProjectAccess } from '@mph/api-auth';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { decodeCursor, DomainError, encodeCursor, Principal, query } from '@mph/api-core';
import { Dec } from '@mph/cost-engine';
import { DataSource } from 'typeorm';

/** numeric sums keep trailing zeros ("0.2130"): answer canonical decimal strings. */
const canonical = (v: unknown) => (v === null || v === undefined ? v : new Dec(String(v)).toFixed());

export const GROUPS = ['day', 'week', 'month', 'model', 'provider', 'project', 'user', 'api_key'] as const;
export type Group = (typeof GROUPS)[number];

const GROUP_SQL: Record<Group, string> = {
  day: `to_char(d.day, 'YYYY-MM-DD')`,
  week: `to_char(date_trunc('week', d.day), 'YYYY-MM-DD')`,
  month: `to_char(date_trunc('month', d.day), 'YYYY-MM')`,
  model: 'd.model',
  provider: 'd.provider',
  project: 'd.project',
  user: 'd.user_id::text',
  api_key: `CASE WHEN d.api_key_id = '00000000-0000-0000-0000-000000000000' THEN '' ELSE d.api_key_id::text END`,
};

/** Operators and admins see every user's costs; members only their own. */
export const seesAllCosts = (p: Principal) => p.role === 'admin' || p.role === 'operator';

export interface SummaryQuery {
  from: string;
  to: string;
  groupBy: Group[];
  top?: number;
  provider?: string;
  model?: string;
  project?: string;
}

/** Reports read the daily rollup (kept in the statement that stores events), never a scan of the events. */
@Injectable()
export class CostReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectAccess,
    private readonly identity: IdentityDirectory,
  ) {}

  /**
   * The stored value a `project` filter means: the id of the project it names (for members a project they use, for
   * operators any), else the text itself (usage recorded before projects were objects kept its free-text name).
   */
  private async projectKey(by: Principal, ref: string): Promise<string> {
    if (ref === '') return '';
    try {
      return (seesAllCosts(by) ? await this.projects.forManage(by, ref) : await this.projects.forUse(by, ref)).id;
    } catch (e) {
      if (e instanceof DomainError && e.code === 'PROJECT_NOT_FOUND') return ref;
      throw e;
    }
  }

  /** Adds `project_name` next to each row's project id (null for no project or a name from before projects). */
  private async withProjectNames<T extends Record<string, unknown>>(
    rows: T[],
  ): Promise<(T & { project_name: string | null })[]> {
    const names = await this.projects.names(rows.map((r) => String(r['project'] ?? '')));
    return rows.map((r) => ({ ...r, project_name: names.get(String(r['project'] ?? '')) ?? null }));
  }

  /** Adds `api_key_name` next to each row's API key id in `from` (null for calls made without a key). */
  private async withApiKeyNames(rows: Record<string, unknown>[], from: string): Promise<void> {
    const keys = await this.identity.apiKeys(rows.map((r) => String(r[from] ?? '')));
    for (const r of rows) r['api_key_name'] = keys.get(String(r[from] ?? ''))?.name ?? null;
  }

  /**
   * Replaces the user id in `from` by the user's email in `to` (the auth lib knows emails); with `orderBy` (the
   * groups of a time series), rows are put back in group order, as the statement ordered them by id.
   */
  private async withUserEmails<T extends Record<string, unknown>>(
    rows: T[],
    from: string,
    to: string,
    orderBy: readonly string[] | null,
  ): Promise<void> {
    const users = await this.identity.users(rows.map((r) => String(r[from])));
    for (const r of rows) (r as Record<string, unknown>)[to] = users.get(String(r[from]))?.email ?? null;
    if (!orderBy) return;
    const key = (r: T) => orderBy.map((g) => String(r[g] ?? ''));
    rows.sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
      return 0;
    });
  }

  async summary(by: Principal, q: SummaryQuery) {
    const params: unknown[] = [q.from, q.to];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = ['d.day >= $1::date', 'd.day <= $2::date'];
    if (!seesAllCosts(by)) where.push(`d.user_id = ${p(by.userId)}`);
    if (q.provider) where.push(`d.provider = ${p(q.provider)}`);
    if (q.model) where.push(`d.model = ${p(q.model)}`);
    if (q.project !== undefined) where.push(`d.project = ${p(await this.projectKey(by, q.project))}`);
    const groups = q.groupBy;
    const cols = groups.map((g) => `${GROUP_SQL[g]} AS "${g}"`);
    const timeGroup = groups.some((g) => g === 'day' || g === 'week' || g === 'month');
    const order = timeGroup ? `${groups.map((_g, i) => i + 1).join(', ')}` : 'sum(d.cost_usd) DESC';
    const rows = await query<Record<string, string | number>>(
      this.dataSource,
      `SELECT ${[...cols, 'd.currency'].join(', ')},
              sum(d.cost)::text AS cost, sum(d.cost_usd)::text AS cost_usd, sum(d.events)::int AS events,
              sum(d.unpriced_events)::int AS unpriced_events, sum(d.unconverted_events)::int AS unconverted_events,
              sum(d.input_tokens)::bigint::text AS input_tokens, sum(d.output_tokens)::bigint::text AS output_tokens
         FROM usage_daily d
        WHERE ${where.join(' AND ')}
        GROUP BY ${[...groups.map((_g, i) => i + 1), groups.length + 1].join(', ')}
        ORDER BY ${order}${q.top ? ` LIMIT ${Number(q.top)}` : ''}`,
      params,
    );
    // Totals are in the reporting currency (USD), each event converted at the rate of its usage date (stored on it).
    const [totals] = await query<{ cost: string | null; events: number; unpriced: number; unconverted: number }>(
      this.dataSource,
      `SELECT sum(d.cost_usd)::text AS cost, coalesce(sum(d.events), 0)::int AS events,
                coalesce(sum(d.unpriced_events), 0)::int AS unpriced, coalesce(sum(d.unconverted_events), 0)::int AS unconverted
           FROM usage_daily d WHERE ${where.join(' AND ')}`,
      params,
    );
    if (groups.includes('user')) await this.withUserEmails(rows, 'user', 'user', timeGroup ? groups : null);
    if (groups.includes('api_key')) await this.withApiKeyNames(rows, 'api_key');
    const named = groups.includes('project') ? await this.withProjectNames(rows) : rows;
    return {
      data: named.map((r) => ({
        ...r,
        cost: canonical(r['cost']) as string,
        cost_usd: canonical(r['cost_usd']) as string,
        currency: String(r['currency']).trim(),
      })),
      meta: {
        total: named.length,
        totals: {
          cost: canonical(totals.cost ?? '0') as string,
          events: totals.events,
          currency: 'USD',
          unpriced_events: totals.unpriced,
          unconverted_events: totals.unconverted,
        },
      },
    };
  }

  async events(
    by: Principal,
    q: {
      from?: string;
      to?: string;
      provider?: string;
      model?: string;
      project?: string;
      api_key?: string;
      user?: string;
      status?: string;
      cursor?: string;
      limit: number;
    },
  ) {
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where: string[] = [];
    if (!seesAllCosts(by)) where.push(`e.user_id = ${p(by.userId)}`);
    if (q.from) where.push(`e.occurred_at >= ${p(q.from)}`);
    if (q.to) where.push(`e.occurred_at < ${p(q.to)}`);
    if (q.provider) where.push(`e.provider = ${p(q.provider)}`);
    if (q.model) where.push(`(e.model = ${p(q.model)} OR e.resolved_model = ${p(q.model)})`);
    if (q.project !== undefined) where.push(`e.project = ${p(await this.projectKey(by, q.project))}`);
    if (q.api_key) where.push(`e.api_key_id = ${p(q.api_key)}::uuid`);
    if (q.status) where.push(`e.status = ${p(q.status)}`);
    if (q.user) {
      // Members see their own calls whatever they ask; for operators, an unknown email matches nothing.
      const id = await this.identity.userIdByEmail(q.user);
      where.push(id ? `e.user_id = ${p(id)}::uuid` : 'false');
    }
    if (q.cursor) {
      const { at, id } = decodeCursor<{ at: string; id: string }>(
        q.cursor,
        (c): c is { at: string; id: string } =>
          typeof c['at'] === 'string' &&
          !Number.isNaN(Date.parse(c['at'])) &&
          typeof c['id'] === 'string' &&
          /^\d+$/.test(c['id']),
      );
      where.push(`(e.occurred_at, e.id) < (${p(at)}::timestamptz, ${p(id)}::bigint)`);
    }
    const rows = await query<Record<string, unknown>>(
      this.dataSource,
      `SELECT e.id::text, e.idempotency_key, e.occurred_at, e.provider, e.model, e.resolved_model, e.offering_id,
              e.service_tier, e.region, e.project, e.usage, e.total_cost::text AS total_cost, e.breakdown, e.currency,
              e.fx_rate::text AS fx_rate,
              e.price_version_id, e.cost_error, e.status, e.latency_ms, e.ttft_ms, e.user_id::text AS user_email,
              e.api_key_id::text AS api_key_id,
              to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
         FROM usage_events e
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY e.occurred_at DESC, e.id DESC LIMIT ${q.limit}`,
      params,
    );
    await this.withUserEmails(rows, 'user_email', 'user_email', null);
    await this.withApiKeyNames(rows, 'api_key_id');
    const last = rows[rows.length - 1];
    return {
      data: (await this.withProjectNames(rows)).map(({ cursor_at: _c, ...r }) => ({
        ...r,
        occurred_at: (r['occurred_at'] as Date).toISOString(),
        total_cost: canonical(r['total_cost']),
        fx_rate: canonical(r['fx_rate']),
        currency: String(r['currency']).trim(),
      })),
      meta: {
        next_cursor:
          rows.length === q.limit && last
            ? encodeCursor({ at: String(last['cursor_at']), id: String(last['id']) })
            : null,
      },
    };
  }
}
