'use client';

import Link from 'next/link';
import { approveRequestAction } from '@/app/(site)/admin/actions';
import { Avatar } from './avatar';
import { Lozenge } from './lozenge';
import { MoreActions } from './more-actions';
import { ActionForm } from './action-form';
import { buttonClass } from './button';
import { TableHead } from './table-head';

/**
 * A pending access request as Approve requests shows it, formatted on the server. The table is a
 * client component so the page carries a page of small records rather than rendered rows twice
 * (see users-table-body.tsx).
 */
export type RequestsTableRow = {
  id: string;
  name: string;
  email: string;
  external: boolean;
  /** "Requested by Sam Rivera for Marketing (MKT)", when someone asked on the person's behalf. */
  requestedBy: string | null;
  requested: string;
  note: string | null;
};

export function RequestsTable({ rows }: { rows: RequestsTableRow[] }) {
  return (
    <table className="w-full text-left">
      <TableHead columns={['Requester', 'Requested', 'Note', { hiddenLabel: 'Actions' }]} />
      <tbody className="[&_td]:py-2 [&_td]:pr-4 [&_tr]:border-b [&_tr]:border-border [&_tr]:align-top">
        {rows.map((r) => (
          <tr key={r.id}>
            <td>
              <div className="flex items-center gap-2">
                <Avatar name={r.name} size={32} />
                <div>
                  <p className="font-medium">{r.name} {r.external ? <Lozenge>External</Lozenge> : null}</p>
                  <p className="text-text-subtle">{r.email}</p>
                  {r.requestedBy ? <p className="text-xs text-text-subtlest">{r.requestedBy}</p> : null}
                </div>
              </div>
            </td>
            <td className="whitespace-nowrap">{r.requested}</td>
            <td className="max-w-sm whitespace-pre-line text-text-subtle">{r.note ?? '—'}</td>
            <td>
              <div className="flex items-center gap-1">
                <Link href={`/admin/requests/${r.id}`} prefetch={false} className={buttonClass('default')} aria-label={`Review request from ${r.name}`}>Review</Link>
                <MoreActions label={`More actions for ${r.name}`}>
                  <ActionForm action={approveRequestAction} fields={{ requestId: r.id }} label="Approve" appearance="subtle" />
                </MoreActions>
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
