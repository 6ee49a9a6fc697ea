import { hash } from 'node:crypto';

/** Statements longer than this, or with more parameters, stay unnamed (mostly one-off IN lists). */
const MAX_NAMED_SQL_CHARS = 32_000;
const MAX_NAMED_PARAMETERS = 100;

/**
 * Names for prepared statements, given to the `pg` driver adapter: a pooled connection parses a
 * named statement once, and later runs only bind and execute it (PostgreSQL's parse, analysis
 * and rewrite were about a fifth of its CPU time on a signed-in page). The name is a hash of the SQL
 * text; the empty name is the protocol's unnamed statement, parsed on every run as before.
 *
 * A connection keeps every statement it has prepared until it closes, so only the first `limit`
 * distinct texts are named (the app's query shapes come to far fewer), and long texts are not.
 */
export function statementNamer(limit = 500): (query: { sql: string; args: unknown[] }) => string {
  const names = new Map<string, string>();
  return ({ sql, args }) => {
    const known = names.get(sql);
    if (known !== undefined) return known;
    if (names.size >= limit || sql.length > MAX_NAMED_SQL_CHARS || args.length > MAX_NAMED_PARAMETERS) return '';
    const name = `s_${hash('sha1', sql, 'base64url')}`;
    names.set(sql, name);
    return name;
  };
}
