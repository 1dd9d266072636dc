import { DomainError } from '../errors/domain-error';
import { Principal, seesAll } from './principal';

/**
 * The owner filter every member-scoped query uses: `{ userId }` for members and operators, nothing for admins
 * (who see all). Combine it into the WHERE clause so other users' rows are never even read.
 */
export function ownerFilter(principal: Principal): { userId?: string } {
  return seesAll(principal) ? {} : { userId: principal.userId };
}

/** Answers 404 (not 403) when a row is missing or belongs to someone else: existence is not disclosed. */
export function ownedOrNotFound<T extends { userId: string }>(
  row: T | null | undefined,
  principal: Principal,
  code: string,
  what: string,
): T {
  if (!row || (!seesAll(principal) && row.userId !== principal.userId)) {
    throw DomainError.notFound(code, `${what} not found.`);
  }
  return row;
}
