import { normalizeUsage, Usage, UsageError } from '@mph/cost-engine';
import { fxRateProblem } from './fx-rate-check';

export const MAX_BATCH = 1000;
const TIERS = ['standard', 'batch', 'flex', 'priority'];
const STATUSES = ['success', 'error', 'partial', 'cached'];

export interface IngestResult {
  index: number;
  idempotency_key: string | null;
  status: 'stored' | 'duplicate' | 'rejected';
  id?: string;
  total_cost?: string | null;
  currency?: string;
  reason?: string;
}

/** A usage event, checked and typed: what ingest stores (the gateway builds these itself). */
export interface UsageEvent {
  index: number;
  key: string;
  occurredAt: Date;
  provider: string;
  model: string;
  usage: Usage;
  serviceTier: string;
  region: string;
  project: string;
  sessionId: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
  status: string;
  errorClass: string | null;
  fxRate: string | null;
}

/** Usage cannot predate this year: an earlier timestamp is a client's bug (a zero date, seconds as ms). */
const MIN_YEAR = 2000;

/** Whether `YYYY-MM-DD` names a day that exists (no February 30th). */
export function realCalendarDay(day: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // not Date.UTC: it reads years 0–99 as 1900–1999
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const str = (v: unknown, max: number) => typeof v === 'string' && v.length >= 1 && v.length <= max;
const optInt = (v: unknown) => v === undefined || v === null || (Number.isSafeInteger(v) && (v as number) >= 0);

/** Checks one event; returns it typed, or the reason it is rejected. */
export function validateEvent(raw: unknown, index: number, now: Date): UsageEvent | string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'an event must be a JSON object';
  const e = raw as Record<string, unknown>;
  const known = new Set([
    'idempotency_key',
    'timestamp',
    'provider',
    'model',
    'usage',
    'service_tier',
    'region',
    'project',
    'session_id',
    'latency_ms',
    'ttft_ms',
    'status',
    'error_class',
    'fx_rate',
  ]);
  const unknown = Object.keys(e).filter((k) => !known.has(k));
  if (unknown.length) return `unknown field(s): ${unknown.join(', ')}`;
  if (!str(e['idempotency_key'], 200) || !/^[\w.:@/-]+$/.test(e['idempotency_key'] as string)) {
    return 'idempotency_key: 1–200 letters, digits or . _ : @ / -';
  }
  if (!str(e['provider'], 64)) return 'provider: required (e.g. "openai")';
  if (!str(e['model'], 200)) return 'model: required (e.g. "gpt-4o-mini")';
  let occurredAt = now;
  if (e['timestamp'] !== undefined) {
    if (
      typeof e['timestamp'] !== 'string' ||
      Number.isNaN(Date.parse(e['timestamp'])) ||
      !/^\d{4}-\d{2}-\d{2}T/.test(e['timestamp'])
    ) {
      return 'timestamp: an ISO 8601 instant such as 2026-01-31T12:00:00Z';
    }
    // Date.parse rolls 2026-02-30 over to March 2: the calendar date as written must exist.
    if (!realCalendarDay(e['timestamp'].slice(0, 10))) return 'timestamp: not a real calendar day';
    occurredAt = new Date(e['timestamp']);
    if (occurredAt.getTime() > now.getTime() + 5 * 60_000) return 'timestamp: in the future';
    if (occurredAt.getUTCFullYear() < MIN_YEAR) return `timestamp: before ${MIN_YEAR} (no LLM call happened then)`;
  }
  if (!e['usage'] || typeof e['usage'] !== 'object' || Array.isArray(e['usage']))
    return 'usage: required object of token counts';
  let usage: Usage;
  try {
    usage = normalizeUsage(e['usage'] as Record<string, unknown>);
  } catch (err) {
    return `usage: ${(err as UsageError).message}`;
  }
  const tier = (e['service_tier'] as string | undefined) ?? 'standard';
  if (!TIERS.includes(tier)) return `service_tier: one of ${TIERS.join(', ')}`;
  const region = (e['region'] as string | undefined) ?? '';
  if (typeof region !== 'string' || !/^[a-z0-9-]{0,40}$/.test(region))
    return 'region: lowercase letters, digits, dashes';
  const project = (e['project'] as string | undefined) ?? '';
  if (typeof project !== 'string' || project.length > 100) return 'project: up to 100 characters';
  if (e['session_id'] !== undefined && e['session_id'] !== null && !str(e['session_id'], 200))
    return 'session_id: up to 200 characters';
  if (!optInt(e['latency_ms']) || !optInt(e['ttft_ms'])) return 'latency_ms / ttft_ms: whole milliseconds ≥ 0';
  const status = (e['status'] as string | undefined) ?? 'success';
  if (!STATUSES.includes(status)) return `status: one of ${STATUSES.join(', ')}`;
  if (e['error_class'] !== undefined && e['error_class'] !== null && !str(e['error_class'], 100))
    return 'error_class: up to 100 characters';
  if (e['fx_rate'] !== undefined && e['fx_rate'] !== null) {
    const problem = typeof e['fx_rate'] === 'string' ? fxRateProblem(e['fx_rate']) : 'a decimal string';
    if (problem) return `fx_rate (USD per unit of the price currency on the usage date): ${problem}`;
  }
  return {
    index,
    key: e['idempotency_key'] as string,
    occurredAt,
    provider: e['provider'] as string,
    model: e['model'] as string,
    usage,
    serviceTier: tier,
    region,
    project,
    sessionId: (e['session_id'] as string | undefined) ?? null,
    latencyMs: (e['latency_ms'] as number | undefined) ?? null,
    ttftMs: (e['ttft_ms'] as number | undefined) ?? null,
    status,
    errorClass: (e['error_class'] as string | undefined) ?? null,
    fxRate: (e['fx_rate'] as string | undefined) ?? null,
  };
}
