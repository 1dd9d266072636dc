import { ChangeDetectionStrategy, Component, computed, input, Pipe, PipeTransform } from '@angular/core';

/** A decimal string as the API sends money (`"6.34305586"`, `"-0.5"`, `"1e-7"` is not one). */
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * How many fraction digits (at most) an amount shows. Below one unit: four significant digits (a price of $0.075 per
 * 1M tokens or a call of $0.0001065 must not read as $0.08 or $0.00), never more than 12 (a nano-dollar is the
 * smallest amount we price). From one unit up: cents for costs, up to four decimals for unit prices ($3.75, $1.875).
 * Trailing zeros beyond the cents are dropped. Full precision is always one hover away.
 */
export function moneyDigits(amount: string, price = false): number {
  const m = DECIMAL.exec(amount);
  if (!m) return 2;
  if (m[2].replace(/^0+/, '') !== '') return price ? 4 : 2;
  const fraction = m[3] ?? '';
  const firstSignificant = fraction.search(/[1-9]/);
  return firstSignificant < 0 ? 2 : Math.min(12, Math.max(2, firstSignificant + 4));
}

const formats = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, digits: number, exact: boolean): Intl.NumberFormat {
  const key = `${currency}|${digits}|${exact}`;
  let f = formats.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(undefined, {
        style: 'currency',
        currency,
        minimumFractionDigits: exact ? 0 : Math.min(2, digits),
        maximumFractionDigits: exact ? 20 : digits,
      });
    } catch {
      // A currency code Intl does not know: the number alone (the caller appends the code).
      f = new Intl.NumberFormat(undefined, { maximumFractionDigits: exact ? 20 : digits });
    }
    formats.set(key, f);
  }
  return f;
}

/**
 * Formats a decimal string as money in the user's locale with the currency's sign: `"6.34305586"` → `$6.34`,
 * `"0.075"` → `$0.075`, `"0"` → `$0.00`. The string is formatted as the exact decimal it is (Intl rounds decimal
 * strings without going through floating point). `null`/`undefined` (unknown price) → `unknownText`.
 */
export function formatMoney(
  amount: string | null | undefined,
  currency = 'USD',
  opts: { exact?: boolean; unknownText?: string; price?: boolean } = {},
): string {
  if (amount === null || amount === undefined || amount === '') return opts.unknownText ?? 'unknown';
  if (!DECIMAL.test(amount)) return `${amount} ${currency}`;
  // A unit price of zero is a free offering (never an unknown one: that is null).
  if (opts.price && !opts.exact && /^-?0*(\.0*)?$/.test(amount)) return 'free';
  const f = formatter(currency, moneyDigits(amount, opts.price), opts.exact ?? false);
  // Intl.NumberFormat takes decimal strings exactly (ECMA-402 NumberFormat v3); the typings only say number.
  const text = f.format(amount as unknown as number);
  return f.resolvedOptions().style === 'currency' ? text : `${text} ${currency}`;
}

/** The full stored precision with the currency code, for hover text and exports: `6.34305586 USD`. */
export function exactMoney(amount: string | null | undefined, currency = 'USD'): string {
  return amount === null || amount === undefined || amount === '' ? 'unknown' : `${amount} ${currency}`;
}

/** `{{ amount | money: currency }}` (a cost) or `{{ rate | money: currency : '—' : true }}` (a unit price). */
@Pipe({ name: 'money' })
export class MoneyPipe implements PipeTransform {
  transform(
    amount: string | null | undefined,
    currency: string | null = 'USD',
    unknownText?: string,
    price = false,
  ): string {
    return formatMoney(amount, currency ?? 'USD', { unknownText, price });
  }
}

/**
 * Money as every page shows it: sign, sensible precision, the exact amount on hover (and to screen readers through
 * the title). `per` adds the unit (`/1M`), `unknownText` what an unknown price reads as (never `$0`).
 */
@Component({
  selector: 'mph-money',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="money" [class.unknown]="unknown()" [attr.title]="title()"
    >{{ text() }}
    @if (per() && !unknown()) {
      <span class="per">{{ per() }}</span>
    }
  </span>`,
  styles: `
    .money {
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .unknown {
      color: var(--mat-sys-on-surface-variant);
      font-style: italic;
    }
    .per {
      color: var(--mat-sys-on-surface-variant);
      font-size: 0.85em;
    }
  `,
})
export class Money {
  readonly amount = input<string | null | undefined>(null);
  readonly currency = input<string | null | undefined>('USD');
  readonly per = input<string | null>(null);
  readonly unknownText = input('unknown');
  /** A unit price (per 1M tokens, per image…): up to four decimals above one unit. Defaults to true when `per` is set. */
  readonly price = input<boolean | null>(null);
  readonly unknown = computed(() => this.amount() === null || this.amount() === undefined);
  readonly text = computed(() =>
    formatMoney(this.amount(), this.currency() ?? 'USD', {
      unknownText: this.unknownText(),
      price: this.price() ?? this.per() !== null,
    }),
  );
  readonly title = computed(() =>
    this.unknown()
      ? 'No known price: unknown is not free'
      : `${exactMoney(this.amount(), this.currency() ?? 'USD')}${this.per() ? ' ' + this.per() : ''}`,
  );
}

/**
 * Orders two decimal strings exactly (no floating point): negative, zero or positive as `a` is below, equal to or
 * above `b`. For sorting and "cheaper than" tests on amounts the API sends.
 */
export function compareDecimal(a: string, b: string): number {
  const pa = DECIMAL.exec(a);
  const pb = DECIMAL.exec(b);
  if (!pa || !pb) throw new Error(`not a decimal: ${pa ? b : a}`);
  const sign = (p: RegExpExecArray) => (/^0*$/.test(p[2] + (p[3] ?? '')) ? 0 : p[1] ? -1 : 1);
  const sa = sign(pa);
  const sb = sign(pb);
  if (sa !== sb) return sa - sb;
  if (sa === 0) return 0;
  const ia = pa[2].replace(/^0+/, '');
  const ib = pb[2].replace(/^0+/, '');
  const fa = (pa[3] ?? '').replace(/0+$/, '');
  const fb = (pb[3] ?? '').replace(/0+$/, '');
  const width = Math.max(fa.length, fb.length);
  const magnitude =
    ia.length !== ib.length
      ? ia.length - ib.length
      : (ia + fa.padEnd(width, '0')).localeCompare(ib + fb.padEnd(width, '0'));
  return sa * Math.sign(magnitude);
}
