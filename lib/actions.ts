import 'server-only';
import type { z } from 'zod';
import { getViewer, requestInfo } from './auth';
import { AccessDenied, can, isVerified, type Viewer } from './access/policy';
import { verificationRequiredMessage } from './security/verification';
import type { SitePermission } from './access/permissions';
import type { AuditContext } from './audit';
import { DomainError, fail, type Result } from './result';
import { isDatabaseUnavailable, UNAVAILABLE_MESSAGE } from './db/unavailable';

type ActionContext = { viewer: Viewer; audit: AuditContext };

/**
 * The one way a server action is built: session → parse (zod) → authorize (the policy) → run →
 * a typed result. Server actions are public endpoints; nothing reaches `run` unchecked.
 */
export function defineAction<Schema extends z.ZodType, T>(config: {
  input: Schema;
  permission: SitePermission | ((viewer: Viewer) => boolean);
  run: (input: z.output<Schema>, context: ActionContext) => Promise<T>;
  /** Only the /verify actions: they run while two-step verification or re-verification is pending. */
  whileVerificationPending?: boolean;
}) {
  const action = async (raw: unknown): Promise<Result<T>> => {
    const viewer = await getViewer();
    if (!viewer) return fail('UNAUTHENTICATED', 'Your session has ended. Log in again.');
    // Signed in, but the session must verify first (lib/security/verification.ts).
    if (!config.whileVerificationPending && !isVerified(viewer)) return fail('UNAUTHENTICATED', verificationRequiredMessage(viewer.verification));
    const allowed = typeof config.permission === 'function' ? config.permission(viewer) : can(viewer, config.permission);
    if (!allowed) return fail('FORBIDDEN', "You don't have permission to do that.");
    const parsed = config.input.safeParse(raw instanceof FormData ? Object.fromEntries(raw) : raw);
    if (!parsed.success) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.join('.') || 'form';
        fieldErrors[key] ??= issue.message;
      }
      return fail('INVALID_INPUT', parsed.error.issues[0]?.message ?? 'Check the highlighted fields.', fieldErrors);
    }
    const info = await requestInfo();
    try {
      const data = await config.run(parsed.data, { viewer, audit: { actorId: viewer.userId, siteId: viewer.site.id, ...info } });
      return { ok: true, data };
    } catch (error) {
      if (error instanceof DomainError) return fail(error.code, error.message, error.fieldErrors);
      if (error instanceof AccessDenied) return fail('FORBIDDEN', "You don't have permission to do that.");
      if (isDatabaseUnavailable(error)) return fail('UNAVAILABLE', UNAVAILABLE_MESSAGE);
      console.error('[action] unexpected error', error);
      return fail('INTERNAL', 'Something went wrong. Try again in a moment.');
    }
  };
  // The database away while loading the session: the same clear answer, nothing was run.
  return (raw: unknown): Promise<Result<T>> =>
    action(raw).catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) return fail('UNAVAILABLE', UNAVAILABLE_MESSAGE);
      throw error;
    });
}
