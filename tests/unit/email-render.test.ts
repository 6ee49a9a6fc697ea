import { describe, expect, it } from 'vitest';
import { render } from '@react-email/render';
import { EmailPayloadError, emailElement, headerSafe, renderEmail } from '@/emails/render';

const APP = { appUrl: 'https://portico.example.com/' };
const TOKEN = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg';
const invitation = {
  token: TOKEN,
  inviterName: 'Alana Admin',
  siteName: 'Acme',
  role: 'GUEST',
  personalMessage: 'Looking forward to it!',
  expiresAt: '2026-12-03T09:30:00.000Z',
};

describe('renderEmail', () => {
  it('renders the invitation: subject, accept link in HTML and plain text, role, quoted message, expiry', async () => {
    const email = await renderEmail('invitation', invitation, APP);
    expect(email.subject).toBe('Alana Admin invited you to join Acme');
    const link = `https://portico.example.com/invite/${TOKEN}`;
    expect(email.html).toContain(`href="${link}"`);
    expect(email.html).toContain('Accept invite');
    expect(email.html).toContain('#1868db');
    expect(email.text).toContain(`Accept invite ${link}`);
    expect(email.text).toContain('with the Guest role');
    expect(email.text).toContain('Alana Admin wrote:');
    expect(email.text).toContain('“Looking forward to it!”');
    expect(email.text).toContain('This invitation expires on 3 December 2026.');
  });

  it('strips CR/LF from everything that reaches the subject', async () => {
    const email = await renderEmail('invitation', { ...invitation, inviterName: 'Eve\r\nBcc: victim@example.com', siteName: 'Acme\nX-Spam: yes' }, APP);
    expect(email.subject).toBe('Eve Bcc: victim@example.com invited you to join Acme X-Spam: yes');
    expect(email.subject).not.toMatch(/[\r\n]/);
    for (const template of ['access-request-approved', 'access-request-denied'] as const) {
      const payload = { siteName: 'Acme\r\nBcc: victim@example.com', role: 'USER', approverName: 'Sam', deciderName: 'Sam', message: null };
      expect((await renderEmail(template, payload, APP)).subject).not.toMatch(/[\r\n]/);
    }
    expect(headerSafe('a\u2028b\u0000c\t d')).toBe('a b c d');
  });

  it('escapes the personal message and keeps its line breaks', async () => {
    const email = await renderEmail('invitation', { ...invitation, personalMessage: 'Hi <img src=x onerror=alert(1)>\nBye' }, APP);
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).toContain('Hi &lt;img src=x onerror=alert(1)&gt;<br/>Bye');
    expect(email.text).toContain('Hi <img src=x onerror=alert(1)>\nBye');
  });

  it('leaves the quote out when there is no personal message', async () => {
    const email = await renderEmail('invitation', { ...invitation, personalMessage: null }, APP);
    expect(email.text).not.toContain('wrote:');
  });

  it('renders the access request decisions', async () => {
    const approved = await renderEmail('access-request-approved', { siteName: 'Acme', role: 'ADMIN', approverName: 'Sam Rivera' }, APP);
    expect(approved.subject).toBe('Your request to join Acme was approved');
    expect(approved.text).toContain('Sam Rivera approved your request. You can now use Acme with the Admin role.');
    expect(approved.html).toContain('href="https://portico.example.com/"');

    const denied = await renderEmail('access-request-denied', { siteName: 'Acme', deciderName: 'Sam Rivera', message: 'Please ask your <manager>.' }, APP);
    expect(denied.subject).toBe('Your request to join Acme was declined');
    expect(denied.text).toContain('Sam Rivera declined your request to join Acme.');
    expect(denied.text).toContain('“Please ask your <manager>.”');
    expect(denied.html).toContain('Please ask your &lt;manager&gt;.');
  });

  it('rejects unknown templates and payloads that do not match', async () => {
    await expect(renderEmail('password-reset', {}, APP)).rejects.toThrow(EmailPayloadError);
    await expect(renderEmail('invitation', { ...invitation, token: undefined }, APP)).rejects.toThrow(EmailPayloadError);
    await expect(renderEmail('invitation', { ...invitation, token: '../../admin?x=<b>' }, APP)).rejects.toThrow(/base64url/);
    await expect(renderEmail('invitation', { ...invitation, role: 'OWNER' }, APP)).rejects.toThrow(EmailPayloadError);
    await expect(renderEmail('invitation', { ...invitation, expiresAt: 'next week' }, APP)).rejects.toThrow(EmailPayloadError);
    await expect(renderEmail('access-request-approved', { siteName: 'Acme', role: 'USER' }, APP)).rejects.toThrow(EmailPayloadError);
    await expect(renderEmail('invitation', invitation, { appUrl: 'javascript:alert(1)' })).rejects.toThrow(EmailPayloadError);
  });
});

// renderEmail renders each email once and derives the plain text from that HTML; React Email's own
// way renders twice (render, then render with plainText). Both must give the same bytes.
describe('renderEmail output equals React Email rendering the element twice', () => {
  const tricky = [
    'Plain',
    '<script>alert("x")</script> & <b>bold</b> \'quoted\' "double" &amp; &lt;',
    'Zoë Ñandú 日本語 🎉 עברית العربية \u00a0nbsp ‏rtl',
    'Line one\r\nLine two\n\nLine four\rLine five',
    'a'.repeat(4000) + ' ' + 'mot très long '.repeat(60),
    '{{curly}} ${dollar} `tick` \\backslash </html><!DOCTYPE html> <!-- comment -->',
  ];
  const payloads: [string, Record<string, unknown>][] = [
    ...tricky.map((text): [string, Record<string, unknown>] => ['invitation', { ...invitation, inviterName: text.slice(0, 200), siteName: `Site ${text.slice(0, 150)}`, personalMessage: text }]),
    ['invitation', { ...invitation, personalMessage: null, role: 'ADMIN' }],
    ...tricky.map((text): [string, Record<string, unknown>] => ['access-request-approved', { siteName: text.slice(0, 200), role: 'USER', approverName: 'Ann <ann@x>' }]),
    ...tricky.map((text): [string, Record<string, unknown>] => ['access-request-denied', { siteName: 'Acme & Co', deciderName: text.slice(0, 200), message: text }]),
    ...tricky.map((text): [string, Record<string, unknown>] => [
      'guest-access-expiring',
      { siteName: 'Acme', guestUserId: 'u_1', guestName: text.slice(0, 200), guestEmail: 'g&uest@example.com', spaceKey: 'K<1>', spaceName: text.slice(0, 200), expiresAt: '2026-12-03T09:30:00.000Z', reason: 'admin' },
    ]),
    ...tricky.map((text): [string, Record<string, unknown>] => ['email-passcode', { code: '012345', name: text.slice(0, 200), siteName: 'Acme "quoted"', expiresAt: '2026-12-03T09:30:00.000Z' }]),
  ];
  it.each(payloads.map(([template, payload], index) => [index, template, payload] as const))('case %i (%s)', async (_index, template, payload) => {
    const { element } = emailElement(template, payload, APP);
    const email = await renderEmail(template, payload, APP);
    expect(email.html).toBe(await render(element));
    expect(email.text).toBe(await render(element, { plainText: true }));
  });
});
