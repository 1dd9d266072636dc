import { RateComponent, selectRates as selectWithTier } from '@mph/cost-engine';

export { inWindow } from '@mph/cost-engine';

/** A component as read from the database: amount as a decimal string, times as `HH:MM:SS` (UTC). */
export type RateRow = RateComponent;

/**
 * The rate of each unit for one call (cliff tiers by whole prompt, time-of-day windows): the cost engine's rule,
 * exposed here for the pricing API's readers. Units absent from the version are absent here (unknown, not free).
 */
export function selectRates(rows: RateRow[], call: { promptTokens?: number; at: Date }): Record<string, string> {
  return selectWithTier(rows, { promptTokens: call.promptTokens ?? 0, at: call.at }).rates;
}
