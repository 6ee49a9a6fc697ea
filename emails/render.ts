// One entry point from an outbox row's (template, payload) to a ready-to-send message. Payloads
// come from the database, so they are validated here rather than trusted.
import { createElement } from 'react';
import { render, toPlainText } from '@react-email/render';
import { z } from 'zod';
import InvitationEmail, { invitationSubject } from './invitation';
import AccessRequestApprovedEmail, { accessRequestApprovedSubject } from './access-request-approved';
import AccessRequestDeniedEmail, { accessRequestDeniedSubject } from './access-request-denied';
import EmailPasscodeEmail, { emailPasscodeSubject } from './email-passcode';
import GuestAccessExpiringEmail, { guestAccessExpiringSubject } from './guest-access-expiring';

export const EMAIL_TEMPLATES = ['invitation', 'access-request-approved', 'access-request-denied', 'guest-access-expiring', 'email-passcode'] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];
export type RenderedEmail = { subject: string; html: string; text: string };

/** The template is unknown or its payload does not match it: retrying cannot help. */
export class EmailPayloadError extends Error {
  override name = 'EmailPayloadError';
}

/**
 * Makes a value safe for a single header line. Names come from users, and a CR/LF in a subject is
 * how a header gets injected; other control and line/paragraph separators are dropped too.
 */
export function headerSafe(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}

const name = z.string().trim().min(1).max(200);
const role = z.enum(['GUEST', 'USER', 'ADMIN']);

export const invitationPayload = z.object({
  // base64url only, so the token cannot change the accept URL's path or carry markup.
  token: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'token must be base64url'),
  inviterName: name,
  siteName: name,
  role,
  personalMessage: z.string().max(5000).nullish().transform((value) => (value?.trim() ? value : null)),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type InvitationPayload = z.input<typeof invitationPayload>;

export const accessRequestApprovedPayload = z.object({ siteName: name, role, approverName: name });
export type AccessRequestApprovedPayload = z.input<typeof accessRequestApprovedPayload>;

export const accessRequestDeniedPayload = z.object({
  siteName: name,
  deciderName: name,
  message: z.string().max(5000).nullish().transform((value) => (value?.trim() ? value : null)),
});
export type AccessRequestDeniedPayload = z.input<typeof accessRequestDeniedPayload>;

export const guestAccessExpiringPayload = z.object({
  siteName: name,
  // An id only, so it cannot change the profile URL's path.
  guestUserId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'guestUserId must be an id'),
  guestName: name,
  guestEmail: z.string().trim().min(3).max(320),
  spaceKey: z.string().trim().min(1).max(50).nullish(),
  spaceName: z.string().trim().min(1).max(200).nullish(),
  expiresAt: z.iso.datetime({ offset: true }),
  reason: z.enum(['inviter', 'admin']),
});
export type GuestAccessExpiringPayload = z.input<typeof guestAccessExpiringPayload>;

export const emailPasscodePayload = z.object({
  code: z.string().regex(/^\d{6}$/, 'code must be six digits'),
  name,
  siteName: name,
  expiresAt: z.iso.datetime({ offset: true }),
});
export type EmailPasscodePayload = z.input<typeof emailPasscodePayload>;

function parse<T extends z.ZodType>(schema: T, template: string, payload: unknown): z.output<T> {
  const result = schema.safeParse(payload);
  if (!result.success) throw new EmailPayloadError(`Invalid ${template} payload: ${z.prettifyError(result.error)}`);
  return result.data;
}

function baseUrl(appUrl: string): string {
  let url: URL;
  try {
    url = new URL(appUrl);
  } catch {
    throw new EmailPayloadError(`APP_URL is not a URL: ${appUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EmailPayloadError(`APP_URL must be http(s): ${appUrl}`);
  return url.href.replace(/\/+$/, '');
}

/** The doctype React Email puts in front of the markup (render without plainText). */
const XHTML_DOCTYPE = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';

/**
 * The HTML and plain-text versions from one React render: `render(element, { plainText: true })`
 * renders the element a second time only to run `toPlainText` on the markup, and the markup is the
 * HTML document minus the doctype React Email swaps in. Rendering was half of a send's CPU time.
 * tests/unit/email-render.test.ts checks both outputs equal React Email's two renders.
 */
async function finish({ subject, element }: EmailElement): Promise<RenderedEmail> {
  const html = await render(element);
  if (!html.startsWith(XHTML_DOCTYPE)) throw new Error('Unexpected output from @react-email/render (no XHTML doctype)');
  const text = toPlainText(html.slice(XHTML_DOCTYPE.length));
  return { subject: headerSafe(subject), html, text };
}

export async function renderEmail(template: string, payload: unknown, options: { appUrl: string }): Promise<RenderedEmail> {
  return finish(emailElement(template, payload, options));
}

export type EmailElement = { subject: string; element: React.ReactElement };

/** The subject and React Email element of an outbox row's (template, payload), validated. */
export function emailElement(template: string, payload: unknown, options: { appUrl: string }): EmailElement {
  const appUrl = baseUrl(options.appUrl);
  switch (template) {
    case 'invitation': {
      const data = parse(invitationPayload, template, payload);
      const props = {
        inviterName: headerSafe(data.inviterName),
        siteName: headerSafe(data.siteName),
        role: data.role,
        personalMessage: data.personalMessage,
        acceptUrl: `${appUrl}/invite/${data.token}`,
        expiresAt: new Date(data.expiresAt),
      };
      return { subject: invitationSubject(props), element: createElement(InvitationEmail, props) };
    }
    case 'access-request-approved': {
      const data = parse(accessRequestApprovedPayload, template, payload);
      const props = { siteName: headerSafe(data.siteName), role: data.role, approverName: headerSafe(data.approverName), siteUrl: `${appUrl}/` };
      return { subject: accessRequestApprovedSubject(props), element: createElement(AccessRequestApprovedEmail, props) };
    }
    case 'access-request-denied': {
      const data = parse(accessRequestDeniedPayload, template, payload);
      const props = { siteName: headerSafe(data.siteName), deciderName: headerSafe(data.deciderName), message: data.message };
      return { subject: accessRequestDeniedSubject(props), element: createElement(AccessRequestDeniedEmail, props) };
    }
    case 'guest-access-expiring': {
      const data = parse(guestAccessExpiringPayload, template, payload);
      const props = {
        siteName: headerSafe(data.siteName),
        guestName: headerSafe(data.guestName),
        guestEmail: headerSafe(data.guestEmail),
        space: data.spaceKey && data.spaceName ? { key: data.spaceKey, name: data.spaceName } : null,
        expiresAt: new Date(data.expiresAt),
        profileUrl: `${appUrl}/admin/users/${data.guestUserId}`,
        reason: data.reason,
      };
      return { subject: guestAccessExpiringSubject(props), element: createElement(GuestAccessExpiringEmail, props) };
    }
    case 'email-passcode': {
      const data = parse(emailPasscodePayload, template, payload);
      const props = { name: headerSafe(data.name), siteName: headerSafe(data.siteName), code: data.code, validMinutes: 10 };
      return { subject: emailPasscodeSubject(props), element: createElement(EmailPasscodeEmail, props) };
    }
    default:
      throw new EmailPayloadError(`Unknown email template: ${JSON.stringify(template)}`);
  }
}
