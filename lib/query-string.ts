// Shared by the list screens' query strings (Users, Audit log): each field is parsed on its own with
// zod, falling back to its default, so a hand-edited or stale URL still shows a page, never a 500.
import { z } from 'zod';

export type SearchParamsInput = URLSearchParams | Record<string, string | string[] | undefined>;

/** The first value of each parameter, as a plain record zod can parse. */
export function searchParamsRecord(input: SearchParamsInput): Record<string, string | string[] | undefined> {
  if (!(input instanceof URLSearchParams)) return input;
  const record: Record<string, string> = {};
  for (const [key, value] of input) record[key] ??= value;
  return record;
}

const firstValue = (value: unknown) => (Array.isArray(value) ? value[0] : value);

/** A query-string field: a repeated parameter counts by its first value. */
export const queryParam = <T extends z.ZodType>(schema: T) => z.preprocess(firstValue, schema);

// PostgreSQL text cannot hold NUL (the query would fail), and no name or email has control characters.
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/** A search term as typed: NFKC, no control characters, trimmed, bounded. */
export function cleanSearch(value: string, maxLength: number): string {
  return value.normalize('NFKC').replace(CONTROL_CHARACTERS, ' ').trim().slice(0, maxLength);
}
