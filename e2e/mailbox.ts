import path from 'node:path';
import { expect } from '@playwright/test';
import { listMailbox, readMailboxMessage, type MailboxMessage } from '../lib/mail/dev-sink';

// The SMTP sink that `npm start` runs for the e2e server stores what it received over SMTP here.
export const MAILBOX_DIR = path.resolve(process.env.E2E_MAILBOX_DIR ?? `.data/mailbox-${process.env.E2E_SMTP_PORT ?? 2626}`);

/** Waits for the newest message to `to` whose subject matches, as it went over SMTP. */
export async function waitForMail(to: string, subject: RegExp | string): Promise<MailboxMessage> {
  let found: MailboxMessage | null = null;
  await expect
    .poll(
      async () => {
        for (const summary of await listMailbox(MAILBOX_DIR)) {
          if (!summary.to.includes(to)) continue;
          if (typeof subject === 'string' ? summary.subject !== subject : !subject.test(summary.subject)) continue;
          found = await readMailboxMessage(MAILBOX_DIR, summary.id);
          return true;
        }
        return false;
      },
      { timeout: 30_000, message: `an email to ${to}` },
    )
    .toBe(true);
  return found!;
}

export function inviteLink(message: MailboxMessage): string {
  const match = (message.text ?? '').match(/https?:\/\/[^\s)>\]]+\/invite\/[A-Za-z0-9_-]{43}/);
  if (!match) throw new Error(`no invitation link in: ${message.text}`);
  return new URL(match[0]).pathname;
}
