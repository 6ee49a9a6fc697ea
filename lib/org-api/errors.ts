// Responses of the organization admin API (/admin/v1, /admin/v2): JSON bodies, and errors in the
// shape of Atlassian's admin API, {"errors": [{"status": "401", "code": "ADMIN-401", "title":
// "Unauthorized", "detail": "..."}]} (status as a string, as Atlassian sends it).
import { jsonResponse } from '../rest/errors';

export { jsonResponse, noContent } from '../rest/errors';

export type AdminApiError = { status: string; code: string; title: string; detail: string };
export type AdminErrorBody = { errors: AdminApiError[] };

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function adminErrorBody(status: number, details: string[]): AdminErrorBody {
  const title = TITLES[status] ?? 'Error';
  const list = details.length ? details : [title];
  return { errors: list.map((detail) => ({ status: String(status), code: `ADMIN-${status}`, title, detail })) };
}

export function adminError(status: number, details: string | string[], headers: Record<string, string> = {}): Response {
  return jsonResponse(adminErrorBody(status, Array.isArray(details) ? details : [details]), status, headers);
}

/** Thrown by the endpoints' logic; the handler turns it into an admin API error response. */
export class AdminApiFailure extends Error {
  constructor(
    public status: number,
    public details: string[],
    public headers: Record<string, string> = {},
  ) {
    super(details[0] ?? `HTTP ${status}`);
    this.name = 'AdminApiFailure';
  }

  toResponse(): Response {
    return adminError(this.status, this.details, this.headers);
  }
}

export const invalid = (...details: string[]) => new AdminApiFailure(400, details);
export const notFound = (...details: string[]) => new AdminApiFailure(404, details);

export const ORG_API_MESSAGES = {
  unauthenticated: 'Send a valid organization API key as "Authorization: Bearer <key>". Site admins create keys in Settings → API keys.',
  expired: 'This API key has expired. A site admin can create a new one in Settings → API keys.',
  creatorNotAdmin:
    "The site admin who created this API key is no longer an active site admin, so the key can't be used. A current site admin can create a new one in Settings → API keys.",
  creatorMustVerify:
    'The site admin who created this API key must verify their identity (two-step verification) in a browser before the key works again.',
  creatorTokensBlocked: 'Your organization admin has blocked API token access for external users, and this API key was created by an external user.',
  orgNotFound: (orgId: string) => `No organization with ID '${orgId.slice(0, 80)}' is available to this API key.`,
  directoryNotFound: (directoryId: string) => `No directory with ID '${directoryId.slice(0, 80)}' exists in this organization. Use '-' or the site ID.`,
  userNotFound: 'That person is not on this site.',
  rateLimited: (seconds: number) => `Rate limit exceeded. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
  internal: 'Something went wrong on our side. Try again in a moment.',
} as const;
