import { DomainError } from '../../lib/result';

/** The domain refusal `call` ends in (its code and the exact message a user sees); fails if it succeeds. */
export async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}
