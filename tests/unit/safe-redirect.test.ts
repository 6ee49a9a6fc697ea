import { describe, expect, it } from 'vitest';
import { safeReturnPath } from '@/lib/safe-redirect';

describe('safeReturnPath', () => {
  it('keeps same-origin paths', () => {
    expect(safeReturnPath('/admin/users?q=casey')).toBe('/admin/users?q=casey');
  });

  it.each(['https://evil.example/', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '', undefined, 42, '/ok\n'])(
    'sends %j home instead',
    (value) => {
      expect(safeReturnPath(value)).toBe('/');
    },
  );
});
