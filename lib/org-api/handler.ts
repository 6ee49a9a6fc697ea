// The one way an organization admin API route handler runs: authenticate the Bearer key
// (lib/org-api/auth.ts), then the endpoint's logic as the key's creator, and every failure as an
// admin API error body with its status code. The domain's refusals (the same lib/ functions the
// screens use) come back as 400 with the domain's own message, "not on this site" as 404.
import type { Db } from '../db/client';
import type { Viewer } from '../access/policy';
import { AccessDenied } from '../access/policy';
import type { AuditContext } from '../audit';
import { DomainError, HTTP_STATUS_OF } from '../result';
import { TransactionConflictError } from '../db/retry';
import { RestError } from '../rest/errors';
import { authenticateOrgApiRequest } from './auth';
import { isDatabaseUnavailable, RETRY_AFTER_HEADERS, UNAVAILABLE_MESSAGE } from '../db/unavailable';
import { adminError, AdminApiFailure, ORG_API_MESSAGES } from './errors';

export type OrgApiContext = {
  db: Db;
  /** The site admin who created the key. */
  viewer: Viewer;
  keyId: string;
  organizationId: string;
  audit: AuditContext;
  request: Request;
  url: URL;
  now: Date;
};

export async function handleOrgApi(db: Db, request: Request, orgId: string, run: (context: OrgApiContext) => Promise<Response>): Promise<Response> {
  try {
    const now = new Date();
    const auth = await authenticateOrgApiRequest(db, request, orgId, now);
    if (!auth.ok) return auth.response;
    const { viewer, keyId, organizationId, audit } = auth.caller;
    return await run({ db, viewer, keyId, organizationId, audit, request, url: new URL(request.url), now });
  } catch (error) {
    if (error instanceof AdminApiFailure) return error.toResponse();
    // lib/rest/handler.ts readJsonBody's refusals (415, 413, 400), in this API's shape.
    if (error instanceof RestError) return adminError(error.status, error.messages, error.headers);
    // Serialization failures and deadlocks, once lib/db/retry.ts's retries ran out.
    if (error instanceof TransactionConflictError) return adminError(409, error.message);
    if (error instanceof DomainError) return adminError(HTTP_STATUS_OF[error.code] ?? 400, error.message);
    if (error instanceof AccessDenied) return adminError(403, "You don't have permission to do that.");
    if (isDatabaseUnavailable(error)) return adminError(503, UNAVAILABLE_MESSAGE, RETRY_AFTER_HEADERS);
    console.error('[org-api] unexpected error', error);
    return adminError(500, ORG_API_MESSAGES.internal);
  }
}
