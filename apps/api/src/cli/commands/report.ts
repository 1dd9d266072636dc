import { IdentityReportService } from '@mph/api-pricing';
import type { CatalogReportDto } from '@mph/api-pricing';
import { InvalidArgumentError } from 'commander';
import { withAppContext } from '../context';
import type { CommandContext } from './command-context';

const list = (rows: { key: string; count: number }[]) =>
  rows.length ? rows.map((r) => `${r.key} ${r.count.toLocaleString('en-US')}`).join(' · ') : 'none';

/** The report as text: one block per question an operator asks of the catalog. */
export function reportText(r: CatalogReportDto): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `Catalog report, ${r.generated_at.slice(0, 19).replace('T', ' ')} UTC`,
    '',
    `Models      ${n(r.models.live)} live, ${n(r.models.with_offerings)} with offerings, ${n(r.models.merged)} merged`,
    `  by source ${list(r.models.by_source)}`,
    `Offerings   ${n(r.offerings.live)} live, ${n(r.offerings.pinned)} pinned by operators, ${n(r.offerings.with_variant)} variants, ${n(r.offerings.with_aliases)} with other spellings`,
    `  linked by ${list(r.offerings.by_basis)}`,
    `  feeds per offering ${list(r.offerings.by_feeds)}`,
    `Offerings per model ${list(r.offerings_per_model.buckets)}`,
    ...r.offerings_per_model.top.map((t) => `  ${t.model_id}: ${t.offerings} offerings, ${t.providers} providers`),
    `Unresolved  ${n(r.unresolved.total)} offerings (${list(r.unresolved.by_reason)})`,
    ...r.unresolved.sample.map((u) => `  ${u.provider} ${u.provider_model_id} → ${u.model_id}: ${u.reason}`),
    `Ambiguous   ${n(r.ambiguous.total)} offerings matched more than one model`,
    ...r.ambiguous.sample.map(
      (a) => `  ${a.provider} ${a.provider_model_id} → ${a.model_id} (also: ${a.alternatives.join(', ')})`,
    ),
    `Held prices ${n(r.held_prices.held)} waiting, ${n(r.held_prices.approved)} approved, ${n(r.held_prices.rejected)} rejected, ${n(r.held_prices.superseded)} superseded`,
    `Capability conflicts ${n(r.capability_conflicts.models)} models (${list(r.capability_conflicts.by_field)})`,
    ...r.capability_conflicts.sample.map(
      (c) => `  ${c.model_id} ${c.field}: ${c.values.map((v) => `${v.source}=${JSON.stringify(v.value)}`).join(', ')}`,
    ),
    `Price disagreements ${n(r.price_disagreements)} offerings differ by more than 5 % between sources`,
    `Sources     ${r.sources.length ? r.sources.map((s) => `${s.name}${s.stale ? ' (stale)' : ''}`).join(', ') : 'none'}`,
  ];
  return lines.join('\n');
}

export function registerReport({ program, out, config }: CommandContext): void {
  program
    .command('report')
    .description(
      'The catalog as the feeds built it: models, offerings, offerings per model, feeds per offering, unresolved and ambiguous ids, held prices, capability conflicts.',
    )
    .option(
      '--sample <n>',
      'examples per list (0–200)',
      (v) => {
        const x = Number(v);
        if (!/^\d{1,3}$/.test(v) || x > 200) throw new InvalidArgumentError('expected a number from 0 to 200');
        return x;
      },
      10,
    )
    .action(async (opts: { sample: number }) => {
      const o = out();
      await withAppContext(
        config(),
        async (ctx) => {
          const report = await ctx.get(IdentityReportService).report(opts.sample);
          o.result(report, reportText(report));
        },
        { log: (l) => o.info(l) },
      );
    });
}
