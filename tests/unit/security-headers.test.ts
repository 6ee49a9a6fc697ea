import { describe, expect, it } from 'vitest';
import { securityHeaders } from '@/lib/security-headers';

describe('security headers', () => {
  it('sends a nonce-based CSP that forbids framing, plus nosniff', () => {
    const headers = securityHeaders({ nonce: 'abc123', pathname: '/admin/users', https: false, dev: false });
    expect(headers['Content-Security-Policy']).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(headers['Content-Security-Policy']).not.toContain('unsafe-eval');
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Referrer-Policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['Strict-Transport-Security']).toBeUndefined();
  });

  it('sends no referrer from invitation pages and HSTS over HTTPS', () => {
    const headers = securityHeaders({ nonce: 'n', pathname: '/invite/abc', https: true, dev: false });
    expect(headers['Referrer-Policy']).toBe('no-referrer');
    expect(headers['Strict-Transport-Security']).toBe('max-age=63072000; includeSubDomains');
  });
});
