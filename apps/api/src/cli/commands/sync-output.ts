import type { SyncCounts, SyncRunEntity } from '@mph/api-pricing';

const SYNC_STEPS = ['fetching', 'parsing', 'planning', 'applying'];

/** A price sync's share done: its four steps in turn, the download itself measured when its size is known. */
export function syncFraction(phase: string, c: SyncCounts): number | null {
  const step = SYNC_STEPS.indexOf(phase === 'reading' ? 'fetching' : phase);
  if (step < 0) return null;
  const within = step === 0 && c.bytes && c.bytes_total ? Math.min(1, c.bytes / c.bytes_total) : 0;
  return (step + within) / SYNC_STEPS.length;
}

export function describeCounts(c: SyncCounts): string {
  const parts = Object.entries(c)
    .filter(([k, v]) => v !== undefined && k !== 'duration_ms')
    .map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`);
  return parts.length ? ` ${parts.join(', ')}` : '';
}

export function describeRun(run: SyncRunEntity): string {
  const verb = run.dryRun ? 'Dry run' : 'Sync';
  return (
    `${verb} of ${run.sourceName} ${run.status} in ${run.counts.duration_ms ?? 0} ms:${describeCounts(run.counts)}` +
    (run.error ? `\n${run.error}` : '') +
    (run.quarantineReason ? `\nQuarantined: ${run.quarantineReason}` : '')
  );
}

export function runJson(run: SyncRunEntity) {
  return {
    id: run.id,
    source: run.sourceName,
    adapter: run.adapter,
    status: run.status,
    dry_run: run.dryRun,
    counts: run.counts,
    error: run.error,
    quarantine_reason: run.quarantineReason,
  };
}
