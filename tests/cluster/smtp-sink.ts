// The cluster tests' mail server: a real SMTP server (smtp-server) the tests control. It records
// exactly the messages it accepted (answered "250" to), can be taken down and brought back on the
// same port (an outage: connections refused), and can hold messages after DATA without answering,
// so a send is in flight while the test kills the worker. A held message whose client goes away
// before the answer was never accepted, as with a real server.
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { simpleParser } from 'mailparser';

export type SinkMessage = { to: string; subject: string; messageId: string; text: string; html: string; links: string[] };

type Held = { sessionId: string; release: () => void; settled: Promise<void> };

export class SmtpSink {
  readonly messages: SinkMessage[] = [];
  /** Messages received in full while holding, waiting for release() (or for the client to go). */
  readonly held: Held[] = [];
  /** Messages whose client hung up while they were held: never accepted. */
  dropped = 0;
  private server: SMTPServer | null = null;
  private holding = false;
  private closedSessions = new Set<string>();

  constructor(readonly port: number) {}

  get url() {
    return `smtp://localhost:${this.port}`;
  }

  get running() {
    return this.server !== null;
  }

  /** From now on, messages are held after DATA instead of being answered. */
  hold() {
    this.holding = true;
  }

  /** Answers (accepts) every held message whose client is still there, and stops holding. */
  async releaseAll(): Promise<void> {
    this.holding = false;
    const held = this.held.splice(0);
    for (const entry of held) entry.release();
    await Promise.all(held.map((entry) => entry.settled));
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      logger: false,
      closeTimeout: 500,
      onClose: (session: SMTPServerSession) => {
        this.closedSessions.add(session.id);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', callback);
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          const accept = async () => {
            const mail = await simpleParser(raw);
            const html = typeof mail.html === 'string' ? mail.html : '';
            const message: SinkMessage = {
              to: session.envelope.rcptTo.map((r) => r.address).join(', '),
              subject: mail.subject ?? '',
              messageId: mail.messageId ?? '',
              text: mail.text ?? '',
              html,
              links: [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&')),
            };
            return message;
          };
          if (!this.holding) {
            accept().then((message) => {
              this.messages.push(message);
              callback(null, 'Accepted');
            }, callback);
            return;
          }
          let release!: () => void;
          const released = new Promise<void>((resolve) => (release = resolve));
          const message = accept();
          const settled = released.then(async () => {
            // The client went away while we held it: nothing was accepted.
            if (this.closedSessions.has(session.id)) {
              this.dropped++;
              return;
            }
            this.messages.push(await message);
            callback(null, 'Accepted');
          });
          this.held.push({ sessionId: session.id, release, settled });
        });
      },
    });
    server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  /** Takes the server down: open connections are closed, new ones refused. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Whether the client of a (held) message has hung up. */
  clientGone(sessionId: string): boolean {
    return this.closedSessions.has(sessionId);
  }

  to(address: string): SinkMessage[] {
    return this.messages.filter((m) => m.to === address);
  }
}
