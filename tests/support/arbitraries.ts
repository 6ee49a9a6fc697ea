// fast-check arbitraries for the hostile-input property tests (tests/integration/hostile-input.test.ts,
// tests/unit/email-normalization.property.test.ts): junk of every JSON type, wrong types for a
// field, hostile emails (case, Unicode, homoglyphs, IDN), hostile return URLs and query strings.
import fc from 'fast-check';

/** The fixed seed of every property: a failing run is replayed by running the file again. */
export const SEED = 20261126;

/** 100k characters: shared instances, so generating them costs nothing. */
export const HUGE_ASCII = 'x'.repeat(100_000);
export const HUGE_UNICODE = 'é\u202e𝔘\u0000'.repeat(25_000);
export const huge = fc.constantFrom(HUGE_ASCII, HUGE_UNICODE, `${HUGE_ASCII}@example.com`);

/** Short strings that have broken parsers before: control characters, RTL marks, SQL, HTML, NUL. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\r\n',
    "' OR 1=1 --",
    '"; DROP TABLE "User"; --',
    '<script>alert(1)</script>',
    '=cmd|" /C calc"!A0',
    '\u202egnp.exe',
    '%00',
    '%E0%A4%A',
    '../../etc/passwd',
    'null',
    'undefined',
    'NaN',
    '-1',
    '1e309',
    '9'.repeat(40),
    '__proto__',
    '{"a":1}',
  ),
);

/** Nested junk of any JSON type (and a few non-JSON ones). */
export const junk: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    nastyString,
    huge,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Values no field of a form or body accepts where it expects a string, enum, id or list of strings. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  huge,
  fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), junk, { minKeys: 1, maxKeys: 3 }),
  fc.array(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), junk, { minKeys: 1, maxKeys: 2 }), { minLength: 1, maxLength: 3 }),
);

/** A raw server-action argument that is not an object at all. */
export const notAnObject: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  nastyString,
  huge,
  fc.array(junk, { maxLength: 3 }),
);

/** Extra fields a client was not asked for. */
export const extraFields = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).map((k) => `x_${k}`),
  junk,
  { maxKeys: 3 },
);

// ---------------------------------------------------------------------------------------------
// Emails

/** Randomly upper-cases letters. */
export const caseVariant = (value: string) =>
  fc.array(fc.boolean(), { minLength: value.length, maxLength: value.length }).map((flags) => [...value].map((c, i) => (flags[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

/** Fullwidth forms (NFKC folds them back to ASCII): "ａ" for "a", "＠" for "@". */
export const toFullwidth = (value: string) => [...value].map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c)).join('');

/** NFKC variants of an ASCII address: some characters fullwidth, ligatures, and padding. */
export const nfkcVariant = (value: string) =>
  fc.array(fc.boolean(), { minLength: value.length, maxLength: value.length }).map((flags) =>
    [...value].map((c, i) => (flags[i] ? toFullwidth(c) : c)).join(''),
  );

export const whitespace = fc.constantFrom('', ' ', '\t', '\n', '  \r\n', '\u00a0', '\u3000');

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const localPart = fc.stringMatching(/^[a-z0-9]([a-z0-9._+-]{0,14}[a-z0-9])?$/).filter((l) => !l.includes('..'));
const tld = fc.constantFrom('com', 'io', 'dev', 'studio', 'co', 'org');

/** A plausible, already normalized address. */
export const plainEmail = fc.tuple(localPart, fc.array(label, { minLength: 1, maxLength: 2 }), tld).map(([l, d, t]) => `${l}@${d.join('.')}.${t}`);

/** Unicode domains (IDN) and Cyrillic homoglyphs of Latin letters. */
export const unicodeDomain = fc.constantFrom('bücher.de', 'münchen.example', 'пример.рф', 'аcme.com', 'асme.com', 'ехample.com', '例え.jp', 'xn--bcher-kva.de', 'ÀCME.com', 'straße.de');

/** Hostile addresses: case and NFKC variants, whitespace, IDN and homoglyph domains, junk. */
export const hostileEmail: fc.Arbitrary<string> = fc.oneof(
  plainEmail,
  plainEmail.chain(caseVariant),
  plainEmail.chain(nfkcVariant),
  fc.tuple(whitespace, plainEmail, whitespace).map(([a, e, b]) => `${a}${e}${b}`),
  fc.tuple(localPart, unicodeDomain).map(([l, d]) => `${l}@${d}`),
  fc.tuple(localPart, unicodeDomain).chain(([l, d]) => caseVariant(`${l}@${d}`)),
  fc.constantFrom('a@b', '@acme.com', 'alana@', 'a@@acme.com', 'a b@acme.com', 'a..b@acme.com', '.a@acme.com', 'a@acme..com', 'a@-acme.com', 'a@acme.com.', 'a@[127.0.0.1]', 'a@acme.com\u0000', `${'a'.repeat(65)}@acme.com`, `a@${'b'.repeat(250)}.com`),
  nastyString,
  huge,
);

// ---------------------------------------------------------------------------------------------
// Return paths and query strings

/** Redirect targets an attacker would try: absolute, protocol-relative, backslashes, encodings, schemes. */
export const hostileUrl: fc.Arbitrary<string> = fc.oneof(
  fc.webUrl(),
  fc.webUrl().map((u) => u.replace(/^https?:/, '')),
  fc.webPath(),
  fc.tuple(fc.constantFrom('/', '//', '/\\', '\\\\', '\\/', '/%2F', '/%5C', '%2F%2F', '/\t/', '/\n/', ' //', '///', 'http:', 'https:', 'javascript:', 'data:', 'JaVaScRiPt:', 'vbscript:', '/ /'), fc.domain(), fc.webPath()).map(
    ([prefix, host, rest]) => `${prefix}${host}${rest}`,
  ),
  fc.constantFrom(
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/%09/evil.example',
    '/\u0000//evil.example',
    'https:evil.example',
    'http://localhost:3000@evil.example/',
    '/admin/users',
    '/invite/abc?x=1#y',
    '',
    '%2F%2Fevil.example',
  ),
  fc.string({ maxLength: 40 }),
  huge,
);

const queryKey = (keys: readonly string[]) => (keys.length ? fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })) : fc.string({ maxLength: 8 }));

/** A query string of hostile keys and values (appended to an endpoint's URL after "?"). */
export const hostileQuery = (keys: readonly string[]) =>
  fc
    .array(fc.tuple(queryKey(keys), fc.oneof(nastyString, fc.integer().map(String), fc.constantFrom(HUGE_ASCII.slice(0, 8000)))), { maxLength: 5 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'))
    .chain((encoded) => fc.oneof(fc.constant(encoded), fc.constantFrom('%', '%%', '&&&', '=&=', 'a=%ZZ', '\u0000=1', '?', '#')));

/** Path-parameter values: ids and keys that don't exist, junk, traversal, huge. */
export const hostileParam = fc.oneof(nastyString, fc.constantFrom(HUGE_ASCII.slice(0, 5000)), fc.uuid(), fc.stringMatching(/^[a-z0-9]{25}$/));

/** A request body: malformed JSON text, or JSON of junk. */
export const hostileBodyText: fc.Arbitrary<string> = fc.oneof(
  junk.map((value) => JSON.stringify(value) ?? ''),
  fc.constantFrom('', '{', '{"a":', '[1,2', 'null', 'nul', '"\\u00"', '{"__proto__":{"admin":true}}', '\u0000', '{}garbage', `{"x":"${HUGE_ASCII}"}`, `[${'['.repeat(5000)}`),
  fc.string({ maxLength: 40 }),
);
