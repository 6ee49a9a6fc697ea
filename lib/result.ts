/** Expected outcomes are values; unexpected errors are thrown, logged, and shown generically. */
export type Result<T> =
  | { ok: true; data: T }
  | { ok: false; code: ErrorCode; message: string; fieldErrors?: Record<string, string> };

export type ErrorCode = 'INVALID_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'REFUSED' | 'RATE_LIMITED' | 'UNAVAILABLE' | 'INTERNAL';

export class DomainError extends Error {
  constructor(
    public code: ErrorCode,
    message: string,
    public fieldErrors?: Record<string, string>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });
export const fail = (code: ErrorCode, message: string, fieldErrors?: Record<string, string>): Result<never> => ({ ok: false, code, message, fieldErrors });
