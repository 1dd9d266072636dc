/**
 * The units a price component can have. Token units are priced per 1M tokens, the others per item. Units outside
 * this list are accepted (a new vendor unit needs no migration) and priced per item.
 */
export const TOKEN_UNITS = [
  'input',
  'output',
  'cache_read',
  'cache_write',
  'cache_write_1h',
  'reasoning',
  'input_audio',
  'output_audio',
  'cache_read_audio',
  'input_image_tokens',
  'output_image_tokens',
] as const;

export const ITEM_UNITS = ['image_input', 'image_output', 'request', 'web_search'] as const;

export const UNIT_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

export type PriceBasis = '1M tokens' | 'item';

export function basisOf(unit: string): PriceBasis {
  return (TOKEN_UNITS as readonly string[]).includes(unit) ? '1M tokens' : 'item';
}
