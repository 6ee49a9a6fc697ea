import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, formatManualKey, hotp, matchTotp, normalizeTotpCode, otpauthUri, totp, totpStep } from '@/lib/security/totp';
import { open, seal } from '@/lib/security/crypto';
import { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from '@/lib/security/recovery-codes';
import { sessionVerdict, tokenVerdict, DEFAULT_POLICY, type PolicyFacts } from '@/lib/security/verification';

const ascii = (s: string) => Buffer.from(s, 'ascii');

describe('HOTP (RFC 4226 appendix D)', () => {
  const secret = ascii('12345678901234567890');
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  for (const [counter, code] of expected.entries()) {
    it(`counter ${counter} → ${code}`, () => expect(hotp(secret, counter)).toBe(code));
  }
});

describe('TOTP (RFC 6238 appendix B, 8 digits)', () => {
  const secrets = {
    sha1: ascii('12345678901234567890'),
    sha256: ascii('12345678901234567890123456789012'),
    sha512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
  } as const;
  const vectors: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  for (const [seconds, sha1, sha256, sha512] of vectors) {
    it(`T = ${seconds}`, () => {
      const at = seconds * 1000;
      expect(totp(secrets.sha1, at, { digits: 8, algorithm: 'sha1' })).toBe(sha1);
      expect(totp(secrets.sha256, at, { digits: 8, algorithm: 'sha256' })).toBe(sha256);
      expect(totp(secrets.sha512, at, { digits: 8, algorithm: 'sha512' })).toBe(sha512);
    });
  }
});

describe('the verifier', () => {
  const secret = ascii('12345678901234567890');
  const now = new Date(1_700_000_000_000);

  it('accepts the current step and one either side, and says which step matched', () => {
    const step = totpStep(now);
    expect(matchTotp(secret, totp(secret, now), now)).toBe(step);
    expect(matchTotp(secret, totp(secret, now.getTime() - 30_000), now)).toBe(step - 1);
    expect(matchTotp(secret, totp(secret, now.getTime() + 30_000), now)).toBe(step + 1);
    expect(matchTotp(secret, totp(secret, now.getTime() - 60_000), now)).toBeNull();
    expect(matchTotp(secret, totp(secret, now.getTime() + 60_000), now)).toBeNull();
  });

  it('normalizes typed codes and refuses anything but six digits', () => {
    expect(normalizeTotpCode(' 123 456 ')).toBe('123456');
    for (const bad of ['12345', '1234567', 'abcdef', '', null, 123456]) expect(normalizeTotpCode(bad)).toBeNull();
  });
});

describe('base32, manual key and otpauth URI', () => {
  it('round-trips and matches RFC 4648 test vectors', () => {
    expect(base32Encode(ascii('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Encode(ascii('fooba'))).toBe('MZXW6YTB');
    expect(base32Encode(ascii('f'))).toBe('MY');
    expect(base32Decode('mzxw 6ytb-oi==').toString('ascii')).toBe('foobar');
    expect(() => base32Decode('MZ1')).toThrow();
    const random = Buffer.from(Array.from({ length: 20 }, (_, i) => (i * 37 + 11) & 255));
    expect(base32Decode(base32Encode(random))).toEqual(random);
    expect(formatManualKey(ascii('foobar'))).toBe('MZXW 6YTB OI');
  });

  it('builds the Key Uri Format that authenticator apps read', () => {
    const uri = otpauthUri({ issuer: 'Portico', account: 'casey.jones@brightagency.io', secret: ascii('12345678901234567890') });
    expect(uri).toBe(
      'otpauth://totp/Portico:casey.jones%40brightagency.io?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Portico&algorithm=SHA1&digits=6&period=30',
    );
  });
});

describe('sealed secrets and recovery codes', () => {
  it('opens only with the same user id, and detects tampering', () => {
    const sealed = seal(ascii('secret-bytes'), 'user-1');
    expect(open(sealed, 'user-1').toString('ascii')).toBe('secret-bytes');
    expect(() => open(sealed, 'user-2')).toThrow();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => open(tampered, 'user-1')).toThrow();
  });

  it('generates ten distinct readable codes, normalized for comparison, hashed with a salt', async () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(normalizeRecoveryCode(` ${codes[0].toUpperCase()} `)).toBe(codes[0].replace('-', ''));
    expect(normalizeRecoveryCode('123456')).toBeNull();
    const [a, b] = await Promise.all([hashRecoveryCode(codes[0]), hashRecoveryCode(codes[0])]);
    expect(a).toMatch(/^scrypt\$/);
    expect(a).not.toBe(b);
  });
});

describe('verification state (pure rules)', () => {
  const t0 = new Date('2026-03-01T10:00:00Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  const session = (over: Partial<{ createdAt: Date; verifiedAt: Date; secondFactorAt: Date | null; lastSeenAt: Date }> = {}) => ({
    createdAt: t0,
    verifiedAt: t0,
    secondFactorAt: null,
    lastSeenAt: t0,
    ...over,
  });
  const policy = (over: Partial<PolicyFacts> = {}): PolicyFacts => ({ ...DEFAULT_POLICY, ...over });

  it('internal users are unaffected by the external policy, but their own authenticator is required', () => {
    const strict = policy({ twoStepMethod: 'TOTP', sessionMaxMinutes: 15, idleTimeoutMinutes: 15, sessionsResetAt: at(1) });
    expect(sessionVerdict({ subject: false, policy: strict, hasAuthenticator: false, session: session(), now: at(600) }).state).toBe('OK');
    expect(sessionVerdict({ subject: false, policy: strict, hasAuthenticator: true, session: session(), now: at(1) })).toEqual({ state: 'NEEDS_2SV', method: 'TOTP' });
    expect(sessionVerdict({ subject: false, policy: strict, hasAuthenticator: true, session: session({ secondFactorAt: at(1) }), now: at(600) }).state).toBe('OK');
  });

  it('external users: the method, enrollment, the authenticator before the email passcode', () => {
    const verdict = (p: PolicyFacts, hasAuthenticator: boolean, s = session()) => sessionVerdict({ subject: true, policy: p, hasAuthenticator, session: s, now: at(1) });
    expect(verdict(policy(), false)).toEqual({ state: 'OK', method: null });
    expect(verdict(policy({ twoStepMethod: 'EMAIL_OTP' }), false)).toEqual({ state: 'NEEDS_2SV', method: 'EMAIL_OTP' });
    expect(verdict(policy({ twoStepMethod: 'EMAIL_OTP' }), true)).toEqual({ state: 'NEEDS_2SV', method: 'TOTP' });
    expect(verdict(policy({ twoStepMethod: 'TOTP' }), false)).toEqual({ state: 'NEEDS_ENROLLMENT', method: 'TOTP' });
    expect(verdict(policy({ twoStepMethod: 'TOTP' }), true, session({ secondFactorAt: at(0.5) }))).toEqual({ state: 'OK', method: 'TOTP' });
    // A second factor from before the last password doesn't count.
    expect(verdict(policy({ twoStepMethod: 'EMAIL_OTP' }), false, session({ verifiedAt: at(0.5), secondFactorAt: at(0.2) })).state).toBe('NEEDS_2SV');
  });

  it('session expiration, idle timeout and reset sessions', () => {
    const p = policy({ sessionMaxMinutes: 60, idleTimeoutMinutes: 15, sessionsResetAt: null });
    const verdict = (now: Date, s = session(), q = p) => sessionVerdict({ subject: true, policy: q, hasAuthenticator: false, session: s, now }).state;
    expect(verdict(at(14), session())).toBe('OK');
    expect(verdict(at(16), session())).toBe('NEEDS_REAUTH');
    expect(verdict(at(59), session({ lastSeenAt: at(50) }))).toBe('OK');
    expect(verdict(at(61), session({ lastSeenAt: at(60) }))).toBe('NEEDS_REAUTH');
    expect(verdict(at(61), session({ verifiedAt: at(30), lastSeenAt: at(60) }))).toBe('OK');
    expect(verdict(at(5), session(), policy({ sessionsResetAt: at(1) }))).toBe('ENDED');
    expect(verdict(at(5), session({ createdAt: at(2) }), policy({ sessionsResetAt: at(1) }))).toBe('OK');
  });

  it('API tokens need a recent second factor in the browser when the policy requires one', () => {
    const p = policy({ twoStepMethod: 'EMAIL_OTP', sessionMaxMinutes: 60 });
    expect(tokenVerdict({ subject: false, policy: p, hasAuthenticator: false, lastSecondFactorAt: null, now: at(1) }).state).toBe('OK');
    expect(tokenVerdict({ subject: true, policy: policy(), hasAuthenticator: false, lastSecondFactorAt: null, now: at(1) }).state).toBe('OK');
    expect(tokenVerdict({ subject: true, policy: p, hasAuthenticator: false, lastSecondFactorAt: null, now: at(1) }).state).toBe('NEEDS_2SV');
    expect(tokenVerdict({ subject: true, policy: p, hasAuthenticator: false, lastSecondFactorAt: at(0), now: at(59) }).state).toBe('OK');
    expect(tokenVerdict({ subject: true, policy: p, hasAuthenticator: false, lastSecondFactorAt: at(0), now: at(61) }).state).toBe('NEEDS_2SV');
    expect(tokenVerdict({ subject: true, policy: policy({ twoStepMethod: 'TOTP' }), hasAuthenticator: false, lastSecondFactorAt: at(0), now: at(1) }).state).toBe('NEEDS_ENROLLMENT');
  });
});
