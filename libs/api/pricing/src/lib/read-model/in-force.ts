import type { PriceVersionDto } from '@mph/api-catalog';

/** A version with its validity as epoch milliseconds, parsed once. */
export interface Dated {
  v: PriceVersionDto;
  from: number;
  to: number;
}

export function dated(versions: PriceVersionDto[]): Dated[] {
  return versions.map((v) => ({
    v,
    from: Date.parse(v.effective_from),
    to: v.effective_to ? Date.parse(v.effective_to) : Infinity,
  }));
}

/**
 * THE rule for "which price was in force": among an offering's versions for the service tier, the one whose
 * [effective_from, effective_to) holds `at`, the region's own price winning over the default ('') one. Null when
 * none holds (the cost is unknown, not zero). Every reader of prices (estimate, ingest, gateway, re-pricing, editing)
 * comes here.
 */
export function pickInForce(history: Dated[], at: Date, serviceTier: string, region: string): PriceVersionDto | null {
  const t = at.getTime();
  let fallback: PriceVersionDto | null = null;
  for (const h of history) {
    if (h.v.service_tier !== serviceTier || h.from > t || h.to <= t) continue;
    if (h.v.region === region) return h.v;
    if (h.v.region === '' && !fallback) fallback = h.v;
  }
  return fallback;
}
