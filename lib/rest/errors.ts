// Responses of the Jira-compatible REST API: JSON bodies, and errors in Jira's shape
// {"errorMessages": [...], "errors": {...}} with the matching status code.

export type JiraErrorBody = { errorMessages: string[]; errors: Record<string, string> };

const JSON_HEADERS = {
  'Content-Type': 'application/json;charset=UTF-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
} as const;

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export function noContent(): Response {
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
}

export function jiraError(status: number, messages: string[], errors: Record<string, string> = {}, headers: Record<string, string> = {}): Response {
  const body: JiraErrorBody = { errorMessages: messages, errors };
  return jsonResponse(body, status, headers);
}

/** Thrown by the endpoints' logic; the handler turns it into a Jira error response. */
export class RestError extends Error {
  constructor(
    public status: number,
    public messages: string[],
    public errors: Record<string, string> = {},
    public headers: Record<string, string> = {},
  ) {
    super(messages[0] ?? `HTTP ${status}`);
    this.name = 'RestError';
  }

  toResponse(): Response {
    return jiraError(this.status, this.messages, this.errors, this.headers);
  }
}

export const badRequest = (...messages: string[]) => new RestError(400, messages);

/** A 400 for a body that failed validation, naming the field as Jira does (`errors[field]`). */
export function invalidBody(issues: readonly { path: readonly PropertyKey[]; message: string }[], fallback: string): RestError {
  const issue = issues[0];
  if (!issue) return badRequest(fallback);
  const field = issue.path.map(String).join('.') || 'body';
  const text = issue.message.includes(field) ? issue.message : `${field}: ${issue.message}`;
  return new RestError(400, [text], { [field]: issue.message });
}
export const notFound = (...messages: string[]) => new RestError(404, messages);
export const forbidden = (...messages: string[]) => new RestError(403, messages);

export const MESSAGES = {
  unauthenticated: 'Client must be authenticated to access this resource.',
  expired: 'Your API token has expired. Create a new one in Account settings → Security → API tokens.',
  suspended: 'Your access to this site is suspended. Contact your site admin.',
  noSiteAccess: "You don't have access to this site.",
  invalidPayload: 'Invalid request payload. Refer to the REST API documentation and try again.',
  bodyTooLarge: 'The request body is too large. The limit is 100 KB.',
  unsupportedMediaType: 'Send the request body as JSON (Content-Type: application/json).',
  internal: 'Something went wrong on our side. Try again in a moment.',
  projectNotFound: (key: string) => `No project could be found with key '${key}'.`,
  cannotAdminister: 'You cannot edit the configuration of this project.',
  rateLimited: (seconds: number) => `Rate limit exceeded. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
} as const;
