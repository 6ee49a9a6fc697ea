// Property tests of lib/email-address.ts normalizeEmail, the one way an address is normalized
// everywhere (issue 6, "Hostile input"). Seeded: a failure replays with the same inputs.
// The database side (a case variant can't make a second invitation; the CHECK constraint) is in
// tests/integration/hostile-input.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeEmail } from '@/lib/email-address';
import { caseVariant, hostileEmail, nfkcVariant, plainEmail, SEED, unicodeDomain, whitespace } from '../support/arbitraries';

const RUNS = 1000;
const params = { seed: SEED, numRuns: RUNS };

/** Any input: arbitrary strings (including full Unicode) and the hostile addresses. */
const anyInput = fc.oneof(hostileEmail, fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }));

describe('normalizeEmail (properties)', () => {
  it('is idempotent: normalize(normalize(x)) === normalize(x)', () => {
    fc.assert(
      fc.property(anyInput, (raw) => {
        const once = normalizeEmail(raw);
        if (once !== null) expect(normalizeEmail(once)).toBe(once);
      }),
      params,
    );
  });

  it('output is lower-case, printable ASCII, one "@", and an ASCII (IDNA) domain', () => {
    fc.assert(
      fc.property(anyInput, (raw) => {
        const out = normalizeEmail(raw);
        if (out === null) return;
        expect(out).toBe(out.toLowerCase());
        expect(out).toMatch(/^[\x21-\x7e]+$/);
        expect(out.split('@')).toHaveLength(2);
        const domain = out.slice(out.indexOf('@') + 1);
        expect(new URL(`http://${domain}/`).hostname).toBe(domain);
      }),
      params,
    );
  });

  it('a normalized address is its own normal form', () => {
    fc.assert(
      fc.property(plainEmail, (email) => {
        expect(normalizeEmail(email)).toBe(email);
      }),
      params,
    );
  });

  it('case variants normalize to the same value', () => {
    fc.assert(
      fc.property(plainEmail.chain((email) => fc.tuple(fc.constant(email), caseVariant(email))), ([email, variant]) => {
        expect(normalizeEmail(variant)).toBe(email);
      }),
      params,
    );
  });

  it('NFKC variants (fullwidth letters, "＠") normalize to the same value', () => {
    fc.assert(
      fc.property(plainEmail.chain((email) => fc.tuple(fc.constant(email), nfkcVariant(email).chain(caseVariant))), ([email, variant]) => {
        expect(normalizeEmail(variant)).toBe(email);
      }),
      params,
    );
  });

  it('surrounding whitespace (including no-break and ideographic spaces) is trimmed', () => {
    fc.assert(
      fc.property(fc.tuple(whitespace, plainEmail, whitespace), ([before, email, after]) => {
        expect(normalizeEmail(`${before}${email}${after}`)).toBe(email);
      }),
      params,
    );
  });

  it('IDN domains come out in IDNA ASCII form, the same for every case and Unicode form of the domain', () => {
    fc.assert(
      fc.property(fc.tuple(fc.constantFrom('ana', 'bo.b', 'c+d'), unicodeDomain), ([local, domain]) => {
        const out = normalizeEmail(`${local}@${domain}`);
        expect(out).not.toBeNull();
        // (Upper-casing "ß" gives "SS", another address: only letters with a one-letter capital.)
        if (!domain.includes('ß')) expect(normalizeEmail(`${local}@${domain.toUpperCase()}`)).toBe(out);
        expect(normalizeEmail(`${local}@${domain.normalize('NFD')}`)).toBe(out);
      }),
      params,
    );
    expect(normalizeEmail('Ana@Bücher.DE')).toBe('ana@xn--bcher-kva.de');
  });

  it('a Cyrillic homoglyph domain is not the Latin one (it gets its own punycode form)', () => {
    const latin = normalizeEmail('alana@acme.com');
    for (const spoof of ['alana@аcme.com', 'alana@асme.com', 'alana@acmе.com']) {
      const out = normalizeEmail(spoof);
      expect(out).not.toBe(latin);
      if (out) expect(out).toMatch(/@xn--/);
    }
  });
});
