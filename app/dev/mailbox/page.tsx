import Link from 'next/link';
import { notFound } from 'next/navigation';
import { listMailbox } from '@/lib/mail/dev-sink';
import { TableHead } from '@/components/table-head';

// Read at request time: the mailbox exists only while Portico runs its own SMTP sink.
export const dynamic = 'force-dynamic';
export const metadata = { title: 'Dev mailbox · Portico', robots: { index: false, follow: false } };

const formatTime = (date: Date) =>
  `${date.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'UTC' })} UTC`;

export default async function DevMailboxPage() {
  const dir = process.env.PORTICO_DEV_MAILBOX_DIR;
  if (!dir) notFound();
  const messages = await listMailbox(dir);
  return (
    <main className="mx-auto max-w-5xl px-6 py-8">
      <div className="flex items-baseline justify-between gap-4">
        <h1 className="text-2xl font-semibold">Dev mailbox</h1>
        <Link className="text-link hover:underline" href="/dev/mailbox">
          Refresh
        </Link>
      </div>
      <p className="mt-2 max-w-2xl text-text-subtle">
        Every email Portico sent while running its own local SMTP server (no <code>SMTP_URL</code> set). Nothing here reached a real
        inbox. Newest first.
      </p>
      {messages.length === 0 ? (
        <p className="mt-8 rounded border border-border bg-sunken px-4 py-6 text-center text-text-subtle">No emails yet.</p>
      ) : (
        <table className="mt-6 w-full text-left">
          <TableHead columns={['Subject', 'To', 'From', 'Received']} />
          <tbody>
            {messages.map((message) => (
              <tr key={message.id} className="border-b border-border">
                <td className="py-2 pr-4">
                  <Link className="font-medium text-link hover:underline" href={`/dev/mailbox/${message.id}`}>
                    {message.subject || '(no subject)'}
                  </Link>
                </td>
                <td className="py-2 pr-4">{message.to}</td>
                <td className="py-2 pr-4 text-text-subtle">{message.from}</td>
                <td className="py-2 pr-4 whitespace-nowrap text-text-subtle">
                  <time dateTime={message.receivedAt.toISOString()}>{formatTime(message.receivedAt)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
