import { registerDecorator, ValidationArguments } from 'class-validator';

const DAY = 86_400_000;

/**
 * An instant a person means: not before `earliest` (default 2000-01-01, before any priced AI model) and at most
 * `yearsAhead` years from now (default 5). Catches 1900 and 9999 typed by mistake, with a message naming the range.
 * The value may be an ISO string or a Date (after a transform); other checks (format) stay with their own decorators.
 */
export function IsInstantInRange(opts: { earliest?: string; yearsAhead?: number } = {}): PropertyDecorator {
  const earliest = opts.earliest ?? '2000-01-01';
  const years = opts.yearsAhead ?? 5;
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isInstantInRange',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown): boolean {
          const t = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
          // Not a date at all: the format decorator says so.
          if (Number.isNaN(t)) return true;
          return t >= Date.parse(earliest) && t <= Date.now() + years * 365.25 * DAY;
        },
        defaultMessage(args: ValidationArguments): string {
          const latest = new Date(Date.now() + years * 365.25 * DAY).toISOString().slice(0, 10);
          return `${args.property} must be between ${earliest} and ${latest} (${years} years from now)`;
        },
      },
    });
}
