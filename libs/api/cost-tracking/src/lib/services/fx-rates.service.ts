import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { actorOf, AuditService } from '@mph/api-auth';
import { DomainError, Principal, query } from '@mph/api-core';
import { Dec } from '@mph/cost-engine';
import { DataSource } from 'typeorm';
import { fxRateProblem } from './fx-rate-check';

export interface FxRateInput {
  currency: string;
  date: string;
  usd_per_unit: string;
}

/**
 * Daily exchange rates into the reporting currency (USD). A usage event priced in another currency stores the rate of
 * its usage date when it is recorded (the latest rate on or before that day, at most a week old: weekends and holidays
 * have none); reports sum each event at its own stored rate. Rates set later apply to events recorded later.
 */
@Injectable()
export class FxRatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(q: { currency?: string; from?: string; to?: string }) {
    const rows = await query<{
      currency: string;
      date: string;
      usd_per_unit: string;
      source: string;
      updated_at: Date;
    }>(
      this.dataSource,
      `SELECT currency, to_char(day, 'YYYY-MM-DD') AS date, usd_per_unit::text AS usd_per_unit, source, updated_at
           FROM fx_rates
          WHERE ($1::text IS NULL OR currency = $1) AND ($2::date IS NULL OR day >= $2) AND ($3::date IS NULL OR day <= $3)
          ORDER BY currency, day DESC LIMIT 1000`,
      [q.currency ?? null, q.from ?? null, q.to ?? null],
    );
    return {
      data: rows.map((r) => ({
        ...r,
        currency: r.currency.trim(),
        usd_per_unit: new Dec(r.usd_per_unit).toFixed(),
        updated_at: r.updated_at.toISOString(),
      })),
    };
  }

  async set(by: Principal, rates: FxRateInput[], given?: string | null): Promise<{ stored: number }> {
    // An omitted or null source (validation lets null through as "not given") is the operator's own entry.
    const source = given ?? 'operator';
    const today = new Date().toISOString().slice(0, 10);
    const seen = new Set<string>();
    rates.forEach((r, i) => {
      const key = `${r.currency} ${r.date}`;
      const problems: string[] = [];
      if (r.date > today) problems.push('a rate cannot be set for a future day');
      const rate = fxRateProblem(r.usd_per_unit);
      if (rate) problems.push(`usd_per_unit ${rate}`);
      if (seen.has(key)) problems.push(`${key} appears twice`);
      seen.add(key);
      if (problems.length) {
        throw DomainError.badRequest('VALIDATION_FAILED', `rates[${i}]: ${problems.join('; ')}.`, [
          { field: `rates.${i}`, problems },
        ]);
      }
    });
    return this.dataSource.transaction(async (m) => {
      const stored = await query<{ currency: string }>(
        m,
        `INSERT INTO fx_rates (currency, day, usd_per_unit, source)
         SELECT r.currency, r.date::date, r.usd_per_unit::numeric, $2 FROM json_to_recordset($1::json)
             AS r(currency text, date text, usd_per_unit text)
         ON CONFLICT (currency, day) DO UPDATE SET usd_per_unit = EXCLUDED.usd_per_unit, source = EXCLUDED.source,
                                                  updated_at = now()
         RETURNING 1`,
        [JSON.stringify(rates), source],
      );
      const currencies = [...new Set(rates.map((r) => r.currency))].sort();
      const days = rates.map((r) => r.date).sort();
      await this.audit.record(m, {
        actor: actorOf(by),
        action: 'fx_rates.set',
        targetType: 'fx_rates',
        targetId: currencies.join(','),
        after: { count: rates.length, currencies, from: days[0], to: days[days.length - 1], source },
      });
      return { stored: stored.length };
    });
  }
}
