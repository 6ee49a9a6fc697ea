import { describe, expect, it } from 'vitest';
import { emailDomain, isExternalDomain, normalizeEmail } from '@/lib/email-address';

describe('normalizeEmail', () => {
  it('trims, lower-cases and applies NFKC so case variants are the same address', () => {
    expect(normalizeEmail('  Casey.Jones@BrightAgency.IO ')).toBe('casey.jones@brightagency.io');
    // Fullwidth letters fold to ASCII under NFKC.
    expect(normalizeEmail('ｃａｓｅｙ@brightagency.io')).toBe('casey@brightagency.io');
  });

  it('stores internationalized domains in their IDNA ASCII form', () => {
    expect(normalizeEmail('anna@bücher.example')).toBe('anna@xn--bcher-kva.example');
  });

  it.each(['', 'no-at-sign', '@acme.com', 'a@b', 'two@@acme.com', 'a@acme..com', '.dot@acme.com', 'x'.repeat(65) + '@acme.com', 'spa ce@acme.com'])(
    'refuses %j',
    (value) => {
      expect(normalizeEmail(value)).toBeNull();
    },
  );
});

describe('external addresses', () => {
  it('treats verified domains and their subdomains as internal, everything else as external', () => {
    expect(isExternalDomain(emailDomain('lee.chen@acme.com'), ['acme.com'])).toBe(false);
    expect(isExternalDomain('eu.acme.com', ['acme.com'])).toBe(false);
    expect(isExternalDomain('notacme.com', ['acme.com'])).toBe(true);
    expect(isExternalDomain('acme.com.evil.io', ['acme.com'])).toBe(true);
  });
});
