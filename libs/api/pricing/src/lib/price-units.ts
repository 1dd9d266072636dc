import { COMPONENT_UNITS, componentPerToken } from '@mph/cost-engine';

/**
 * The units a price component can have come from the unit registry (`@mph/cost-engine`, generated from genai-prices'
 * units.yml): token units are priced per 1M tokens, the others per single item (request, search, second, character,
 * page, image). Units outside the registry are accepted (a new vendor unit needs no migration) and priced per item,
 * but no usage can name them until the registry has them.
 */
export { COMPONENT_UNITS };

export const UNIT_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

export type PriceBasis = '1M tokens' | 'item';

export function basisOf(unit: string): PriceBasis {
  return componentPerToken(unit) ? '1M tokens' : 'item';
}
