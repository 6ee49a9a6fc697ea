// The one way a REST route handler runs: authenticate (lib/rest/auth.ts), then the endpoint's
// logic with the caller's Viewer, and every failure as a Jira error body with its status code.
import type { Db } from '../db/client';
import type { Viewer } from '../access/policy';
import { AccessDenied } from '../access/policy';
import type { AuditContext } from '../audit';
import { DomainError, HTTP_STATUS_OF } from '../result';
import { TransactionConflictError } from '../db/retry';
import { authenticateRestRequest } from './auth';
import { jiraError, MESSAGES, RestError } from './errors';
import { isDatabaseUnavailable, RETRY_AFTER_HEADERS, UNAVAILABLE_MESSAGE } from '../db/unavailable';

export type RestContext = {
  db: Db;
  viewer: Viewer;
  tokenId: string;
  audit: AuditContext;
  request: Request;
  url: URL;
  now: Date;
};

export async function handleRest(db: Db, request: Request, run: (context: RestContext) => Promise<Response>): Promise<Response> {
  try {
    const now = new Date();
    const auth = await authenticateRestRequest(db, request, now);
    if (!auth.ok) return auth.response;
    const { viewer, tokenId, audit } = auth.caller;
    return await run({ db, viewer, tokenId, audit, request, url: new URL(request.url), now });
  } catch (error) {
    if (error instanceof RestError) return error.toResponse();
    // Serialization failures and deadlocks, once lib/db/retry.ts's retries ran out.
    if (error instanceof TransactionConflictError) return jiraError(409, [error.message]);
    if (error instanceof DomainError) return jiraError(HTTP_STATUS_OF[error.code] ?? 400, [error.message], error.fieldErrors ?? {});
    if (error instanceof AccessDenied) return jiraError(403, [MESSAGES.cannotAdminister]);
    if (isDatabaseUnavailable(error)) return jiraError(503, [UNAVAILABLE_MESSAGE], {}, RETRY_AFTER_HEADERS);
    console.error('[rest] unexpected error', error);
    return jiraError(500, [MESSAGES.internal]);
  }
}

const MAX_BODY = 100_000;

/** The JSON body of a POST, or a 415/400 in Jira's words. JSON only: a cross-site form can't send it. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type.trim())) throw new RestError(415, [MESSAGES.unsupportedMediaType]);
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY) throw new RestError(413, [MESSAGES.bodyTooLarge]);
  // Read at most MAX_BODY bytes, whatever Content-Length said (or didn't: a chunked body).
  const text = await readLimited(request.body, MAX_BODY);
  if (text === null) throw new RestError(413, [MESSAGES.bodyTooLarge]);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RestError(400, [MESSAGES.invalidPayload]);
  }
}

async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number): Promise<string | null> {
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A non-negative integer query parameter, `fallback` when absent, a 400 when malformed. */
export function intParam(url: URL, name: string, fallback: number, { min, max }: { min: number; max: number }): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw.trim() === '') return fallback;
  if (!/^-?\d{1,10}$/.test(raw.trim())) throw new RestError(400, [`The value '${raw.slice(0, 40)}' is invalid for ${name}.`]);
  return Math.min(max, Math.max(min, Number(raw.trim())));
}
