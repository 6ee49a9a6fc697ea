// Local SMTP sink for development and tests: accepts every message and stores it verbatim as an
// .eml file, so what the dev mailbox (/dev/mailbox) and the tests read is exactly what went over
// SMTP. The file name starts with the receive time and a counter, so a name sort is arrival order.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';

export const DEFAULT_MAILBOX_DIR = path.join('.data', 'mailbox');
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const ID_PATTERN = /^\d{15}-\d{6}-[0-9a-f]{8}$/;
const ENVELOPE_TO_HEADER = 'X-Portico-Envelope-To';

export type DevSmtpSink = { url: string; port: number; dir: string; stop: () => Promise<void> };

let lastMillis = 0;
let sequence = 0;

/** Ordered by name = ordered by arrival, even for several messages within one millisecond. */
function nextMessageId(): string {
  const now = Math.max(Date.now(), lastMillis);
  sequence = now === lastMillis ? sequence + 1 : 0;
  lastMillis = now;
  return `${String(now).padStart(15, '0')}-${String(sequence % 1_000_000).padStart(6, '0')}-${crypto.randomBytes(4).toString('hex')}`;
}

/** Listens on loopback by default: whatever connects gets its mail stored and shown without sign-in. */
export async function startDevSmtpSink({
  port,
  dir = DEFAULT_MAILBOX_DIR,
  host = '127.0.0.1',
}: {
  port: number;
  dir?: string;
  host?: string;
}): Promise<DevSmtpSink> {
  const directory = path.resolve(dir);
  const server = new SMTPServer({
    // No AUTH: nodemailer with credentials-free SMTP_URL fails against a server that offers it.
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    size: MAX_MESSAGE_BYTES,
    banner: 'Portico dev mailbox',
    logger: false,
    // Pooled client connections would otherwise hold stop() for smtp-server's default 30 s.
    closeTimeout: 1_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('Message too large for the dev mailbox'), { responseCode: 552 }));
          return;
        }
        // The envelope recipients are kept because they are who actually received it (Bcc is
        // not in the headers); addresses from RCPT TO hold no line breaks.
        const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address).join(', ');
        const raw = Buffer.concat([Buffer.from(`${ENVELOPE_TO_HEADER}: ${recipients}\r\n`), ...chunks]);
        const id = nextMessageId();
        const temporary = path.join(directory, `.${id}.tmp`);
        // Written under a hidden name and renamed, so a reader never sees half a message.
        fs.writeFile(temporary, raw)
          .then(() => fs.rename(temporary, path.join(directory, `${id}.eml`)))
          .then(() => callback(null, `Stored as ${id}`), (error: Error) => callback(error));
      });
    },
  });
  const actualPort = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    const listener = server.listen(port, host, () => {
      server.off('error', reject);
      const address = listener.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
  // Errors on single connections (a client hanging up) must not crash the process.
  server.on('error', () => {});
  // Only once listening, so a port already in use leaves no empty mailbox behind.
  await fs.mkdir(directory, { recursive: true }).catch(async (error: unknown) => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  });
  return {
    url: `smtp://localhost:${actualPort}`,
    port: actualPort,
    dir: directory,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type MailboxSummary = { id: string; receivedAt: Date; from: string; to: string; subject: string; date: Date | null };
export type MailboxMessage = MailboxSummary & { envelopeTo: string; html: string | null; text: string | null };

/** "Name <address>" without mailparser's quoting, for people to read. */
const addressText = (value: AddressObject | AddressObject[] | undefined): string =>
  (value === undefined ? [] : Array.isArray(value) ? value : [value])
    .flatMap((item) => item.value)
    .map((entry) => (entry.name ? `${entry.name} <${entry.address ?? ''}>` : (entry.address ?? '')))
    .join(', ');

function receivedAt(id: string): Date {
  return new Date(Number(id.slice(0, 15)));
}

async function parse(dir: string, id: string): Promise<MailboxMessage | null> {
  let raw: Buffer;
  try {
    raw = await fs.readFile(path.join(path.resolve(dir), `${id}.eml`));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const mail = await simpleParser(raw, { skipImageLinks: true });
  const envelope = mail.headers.get(ENVELOPE_TO_HEADER.toLowerCase());
  return {
    id,
    receivedAt: receivedAt(id),
    from: addressText(mail.from),
    to: addressText(mail.to),
    envelopeTo: typeof envelope === 'string' ? envelope : '',
    subject: mail.subject ?? '',
    date: mail.date ?? null,
    html: typeof mail.html === 'string' ? mail.html : null,
    text: mail.text ?? null,
  };
}

/** Newest first, at most `limit` messages. */
export async function listMailbox(dir: string, { limit = 200 }: { limit?: number } = {}): Promise<MailboxSummary[]> {
  let names: string[];
  try {
    names = await fs.readdir(path.resolve(dir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const ids = names
    .filter((name) => name.endsWith('.eml'))
    .map((name) => name.slice(0, -'.eml'.length))
    .filter((id) => ID_PATTERN.test(id))
    .sort()
    .reverse()
    .slice(0, limit);
  const messages = await Promise.all(ids.map((id) => parse(dir, id)));
  return messages.filter((message): message is MailboxMessage => message !== null).map(({ id, receivedAt, from, to, subject, date }) => ({ id, receivedAt, from, to, subject, date }));
}

/** One stored message, or null when the id is malformed (never a path) or unknown. */
export async function readMailboxMessage(dir: string, id: string): Promise<MailboxMessage | null> {
  if (!ID_PATTERN.test(id)) return null;
  return parse(dir, id);
}

/** The raw .eml as received, for tests that check exactly what went over SMTP. */
export async function readMailboxRaw(dir: string, id: string): Promise<string | null> {
  if (!ID_PATTERN.test(id)) return null;
  try {
    return await fs.readFile(path.join(path.resolve(dir), `${id}.eml`), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
