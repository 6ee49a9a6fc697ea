// Keyset cursors on (instant, id): base64url JSON, opaque to the browser and validated on the way
// back. A tampered or stale cursor decodes to null (the list starts over), never to a failing query.
import { z } from 'zod';

export type InstantCursor = { at: Date; id: string };

/** A cursor's values as base64url JSON. */
export function writeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The values in `raw` when it is base64url JSON that `schema` accepts; null otherwise. */
export function readCursor<T>(raw: string | null | undefined, schema: z.ZodType<T>): T | null {
  if (!raw) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** Text from a cursor that goes into a query: PostgreSQL text can't hold NUL (the query would fail). */
export const cursorText = (max: number) => z.string().max(max).refine((value) => !value.includes('\u0000'));

export function encodeInstantCursor(at: Date, id: string): string {
  return writeCursor([at.toISOString(), id]);
}

/** The cursor in `raw`, or null; `idPattern` says what a row id of this list looks like. */
export function decodeInstantCursor(raw: string | null | undefined, idPattern: RegExp): InstantCursor | null {
  const values = readCursor(raw, z.tuple([z.iso.datetime(), z.string().regex(idPattern)]));
  if (!values) return null;
  // PostgreSQL has no year 0 and a forged far date would fail the query: only plausible instants.
  const at = new Date(values[0]);
  const year = at.getUTCFullYear();
  if (Number.isNaN(year) || year < 1970 || year > 9999) return null;
  return { at, id: values[1] };
}
