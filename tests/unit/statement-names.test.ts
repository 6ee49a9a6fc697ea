import { describe, expect, it } from 'vitest';
import { statementNamer } from '@/lib/db/statement-names';

const query = (sql: string, args: unknown[] = []) => ({ sql, args });

describe('statementNamer (prepared statement names for the pg adapter)', () => {
  it('gives the same SQL text the same name, and different texts different names', () => {
    const name = statementNamer();
    const first = name(query('SELECT 1 WHERE $1::int = 1', [1]));
    expect(first).toMatch(/^s_[A-Za-z0-9_-]{27}$/);
    expect(name(query('SELECT 1 WHERE $1::int = 1', [2]))).toBe(first);
    expect(statementNamer()(query('SELECT 1 WHERE $1::int = 1', [1]))).toBe(first);
    expect(name(query('SELECT 2 WHERE $1::int = 1', [1]))).not.toBe(first);
  });

  it('names only the first `limit` distinct texts, and keeps naming those', () => {
    const name = statementNamer(2);
    const a = name(query('SELECT 1'));
    const b = name(query('SELECT 2'));
    expect(name(query('SELECT 3'))).toBe('');
    expect([a, b].every((n) => n.startsWith('s_'))).toBe(true);
    expect(name(query('SELECT 1'))).toBe(a);
  });

  it('leaves very long statements and long parameter lists unnamed', () => {
    const name = statementNamer();
    expect(name(query(`SELECT 1 -- ${'x'.repeat(32_000)}`))).toBe('');
    const many = Array.from({ length: 101 }, (_, i) => i);
    expect(name(query(`SELECT * FROM "User" WHERE "id" IN (${many.map((i) => `$${i + 1}`).join(',')})`, many))).toBe('');
    const hundred = many.slice(0, 100);
    expect(name(query(`SELECT * FROM "User" WHERE "id" IN (${hundred.map((i) => `$${i + 1}`).join(',')})`, hundred))).not.toBe('');
  });
});
