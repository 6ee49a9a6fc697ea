import Link from 'next/link';
import { notFound } from 'next/navigation';
import { readMailboxMessage } from '@/lib/mail/dev-sink';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Dev mailbox · Portico', robots: { index: false, follow: false } };

const formatTime = (date: Date) =>
  `${date.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'UTC' })} UTC`;

/** Plain text with its http(s) URLs as links, so a dev can follow e.g. an invitation link. */
function Linkified({ text }: { text: string }) {
  return text.split(/(https?:\/\/[^\s<>"']+)/g).map((part, index) =>
    index % 2 === 1 ? (
      <a key={index} className="text-link hover:underline" href={part} target="_blank" rel="noopener noreferrer">
        {part}
      </a>
    ) : (
      part
    ),
  );
}

export default async function DevMailboxMessagePage({ params }: { params: Promise<{ id: string }> }) {
  const dir = process.env.PORTICO_DEV_MAILBOX_DIR;
  if (!dir) notFound();
  const { id } = await params;
  const message = await readMailboxMessage(dir, id);
  if (!message) notFound();
  return (
    <main className="mx-auto max-w-5xl px-6 py-8">
      <Link className="text-link hover:underline" href="/dev/mailbox">
        ← Dev mailbox
      </Link>
      <h1 className="mt-4 text-2xl font-semibold">{message.subject || '(no subject)'}</h1>
      <dl className="mt-4 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
        <dt className="text-text-subtle">From</dt>
        <dd>{message.from}</dd>
        <dt className="text-text-subtle">To</dt>
        <dd>{message.to}</dd>
        {message.envelopeTo && message.envelopeTo !== message.to ? (
          <>
            <dt className="text-text-subtle">Delivered to</dt>
            <dd>{message.envelopeTo}</dd>
          </>
        ) : null}
        <dt className="text-text-subtle">Received</dt>
        <dd>
          <time dateTime={message.receivedAt.toISOString()}>{formatTime(message.receivedAt)}</time>
        </dd>
      </dl>
      {message.html ? (
        <section className="mt-6">
          <h2 className="mb-2 text-xs font-semibold text-text-subtle uppercase">HTML</h2>
          {/* sandbox="" : the email's HTML runs no script, submits no form and has no access to this origin. */}
          <iframe title="HTML version of the email" sandbox="" srcDoc={message.html} className="h-[640px] w-full rounded border border-border bg-white" />
        </section>
      ) : null}
      <section className="mt-6">
        <h2 className="mb-2 text-xs font-semibold text-text-subtle uppercase">Plain text</h2>
        <pre className="overflow-x-auto rounded border border-border bg-sunken p-4 font-sans text-sm whitespace-pre-wrap">
          {message.text ? <Linkified text={message.text} /> : '(no plain-text version)'}
        </pre>
      </section>
    </main>
  );
}
