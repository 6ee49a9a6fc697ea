import { describe, expect, it } from 'vitest';
import { newRowId } from '@/lib/db/row-id';

describe('newRowId (ids of rows written with raw SQL)', () => {
  it('has the shape of the cuids Prisma gives every other row', () => {
    expect(newRowId()).toMatch(/^c[0-9a-z]{24}$/);
  });

  it('never repeats in a batch of 100,000 made in the same millisecond', () => {
    const ids = Array.from({ length: 100_000 }, () => newRowId(1_790_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('orders by creation time across milliseconds', () => {
    expect(newRowId(1_790_000_000_000) < newRowId(1_790_000_000_001)).toBe(true);
    expect(newRowId(1_790_000_000_000).slice(0, 9)).toBe(`c${(1_790_000_000_000).toString(36)}`);
  });
});
