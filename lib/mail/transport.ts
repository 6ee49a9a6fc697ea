// Outgoing SMTP: SMTP_URL says where (smtp://user:pass@host:587, smtps://… for implicit TLS,
// smtp://localhost:2525 for the dev sink), MAIL_FROM says who the mail is from.
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';

export const DEFAULT_MAIL_FROM = 'Portico <no-reply@portico.local>';

export type MailTransport = Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;

export function mailFrom(env: NodeJS.ProcessEnv = process.env): string {
  return env.MAIL_FROM?.trim() || DEFAULT_MAIL_FROM;
}

/** The domain of the sender address, for Message-IDs that look like they come from it. */
export function mailFromDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match ? match[1].toLowerCase() : 'portico.local';
}

export function createMailTransport(smtpUrl: string, options: { maxConnections?: number } = {}): MailTransport {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error('SMTP_URL is not a URL (expected e.g. smtp://user:pass@smtp.example.com:587)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error(`SMTP_URL must start with smtp:// or smtps:// (got ${url.protocol})`);
  return nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: options.maxConnections ?? 2,
    // nodemailer waits up to 2 min to connect and 10 min on a silent socket by default. The worker
    // retries anyway, and a send must end well before pg-boss considers the job expired and hands
    // it to another worker (which would send it a second time).
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    dnsTimeout: 10_000,
  });
}

/**
 * True when the server refused the message or recipient for good (5xx after connecting): another
 * attempt would be refused the same way. Connection, TLS and authentication problems are not
 * included, since those usually get fixed by the operator, and then a retry succeeds.
 */
export function isPermanentSmtpError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, responseCode } = error as Error & { code?: string; responseCode?: number };
  return (code === 'EENVELOPE' || code === 'EMESSAGE') && typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
}
