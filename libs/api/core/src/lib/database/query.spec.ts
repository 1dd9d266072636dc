import { execute, query } from './query';

/** TypeORM's PostgreSQL driver answers UPDATE/DELETE with [rows, affected] and every other statement with rows. */
const db = (answer: unknown) => ({ query: async () => answer });

describe('query / execute', () => {
  it('answers the rows of a SELECT or INSERT … RETURNING as they come', async () => {
    expect(await query<{ id: number }>(db([{ id: 1 }, { id: 2 }]), 'SELECT')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await query(db([]), 'SELECT')).toEqual([]);
  });

  it('unwraps the rows of an UPDATE/DELETE … RETURNING from the [rows, affected] pair', async () => {
    expect(await query<{ id: string }>(db([[{ id: 'a' }], 1]), 'DELETE … RETURNING id')).toEqual([{ id: 'a' }]);
    expect(await query(db([[], 0]), 'UPDATE … RETURNING id')).toEqual([]);
  });

  it('counts the rows a statement touched', async () => {
    expect(await execute(db([[], 3]), 'UPDATE')).toBe(3);
    expect(await execute(db([{ x: 1 }, { x: 2 }]), 'INSERT … RETURNING x')).toBe(2);
  });
});
