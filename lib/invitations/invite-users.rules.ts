// The Invite users rules that the form (client) and the server share, without zod: client
// components import this module, so zod stays out of the browser bundle (the input schemas are in
// invite-users.schema.ts, which re-exports everything here).
import { normalizeEmail } from '../email-address';
import { formatUtcDate } from '../dates';

export const MAX_INVITES_PER_BATCH = 500;
export const MAX_PERSONAL_MESSAGE = 500;
export const JIRA_ROLES = ['GUEST', 'USER', 'ADMIN'] as const;
export type JiraRole = (typeof JIRA_ROLES)[number];
export const JIRA_ROLE_LABELS: Record<JiraRole, string> = { GUEST: 'Guest', USER: 'User', ADMIN: 'Admin' };

export type ParsedAddress = { input: string; email: string | null; error: string | null };

/** Splits pasted text on commas, semicolons, spaces and newlines; one entry per distinct address. */
export function parseEmailList(raw: string): ParsedAddress[] {
  const seen = new Set<string>();
  const out: ParsedAddress[] = [];
  for (const piece of raw.split(/[\s,;]+/)) {
    const input = piece.trim();
    if (!input) continue;
    const email = normalizeEmail(input);
    const key = email ?? input;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ input: input.slice(0, 320), email, error: email ? null : `${input.slice(0, 80)} isn't a valid email address.` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Guest access expiry: "Access expires on <day>" means access ends at the start of that day, UTC
// (the product shows every date in UTC). Shared by the invite form, the profile and lib/guests.

export const GUEST_ACCESS_MAX_YEARS = 2;
/** The site default (Organization.guestAccessDefaultDays) is 1 to this many days, or none. */
export const MAX_GUEST_ACCESS_DEFAULT_DAYS = 730;
/** Extend on a guest's profile adds the site default, or this many days without one. */
export const DEFAULT_EXTEND_DAYS = 90;
const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2027-03-01" → 2027-03-01T00:00:00Z; null for anything that isn't a real calendar day. */
export function parseExpiryDay(value: string): Date | null {
  const match = ISO_DAY.exec(value.trim());
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1970 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date;
}

/** The UTC day of an instant as YYYY-MM-DD (what a date input holds). */
export function formatExpiryDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** "Mar 1, 2027", in UTC like every date on the admin screens. */
export function formatExpiryDate(date: Date): string {
  return formatUtcDate(date);
}

export function startOfUtcDay(date: Date): Date {
  return new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** The first day a guest's access may end on: tomorrow (UTC). */
export function earliestGuestExpiry(now: Date): Date {
  return addDays(startOfUtcDay(now), 1);
}

/** The last day a guest's access may end on: two years from today (UTC). */
export function latestGuestExpiry(now: Date): Date {
  const today = startOfUtcDay(now);
  return new Date(Date.UTC(today.getUTCFullYear() + GUEST_ACCESS_MAX_YEARS, today.getUTCMonth(), today.getUTCDate()));
}

/** Why `expiresAt` can't be a guest's expiry at `now`, or null when it can. */
export function guestExpiryProblem(expiresAt: Date, now: Date): string | null {
  if (expiresAt.getTime() <= now.getTime()) return 'Choose a date in the future for when access expires.';
  const latest = latestGuestExpiry(now);
  if (expiresAt.getTime() > latest.getTime()) {
    return `Guest access can last up to ${GUEST_ACCESS_MAX_YEARS} years. Choose ${formatExpiryDate(latest)} or earlier.`;
  }
  return null;
}

/** The expiry a new guest gets from the site default (start of the day `days` from today), or null. */
export function defaultGuestExpiry(now: Date, days: number | null | undefined): Date | null {
  return days ? addDays(startOfUtcDay(now), days) : null;
}

