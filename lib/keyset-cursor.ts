// Keyset cursors on (instant, id): base64url JSON, opaque to the browser and validated on the way
// back. A tampered or stale cursor decodes to null (the list starts over), never to a failing query.
import { z } from 'zod';

export type InstantCursor = { at: Date; id: string };

export function encodeInstantCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

/** The cursor in `raw`, or null; `idPattern` says what a row id of this list looks like. */
export function decodeInstantCursor(raw: string | null | undefined, idPattern: RegExp): InstantCursor | null {
  if (!raw) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = z.tuple([z.iso.datetime(), z.string().regex(idPattern)]).safeParse(json);
  if (!parsed.success) return null;
  // PostgreSQL has no year 0 and a forged far date would fail the query: only plausible instants.
  const at = new Date(parsed.data[0]);
  const year = at.getUTCFullYear();
  if (Number.isNaN(year) || year < 1970 || year > 9999) return null;
  return { at, id: parsed.data[1] };
}
