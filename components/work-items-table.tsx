'use client';

import Link from 'next/link';
import { Lozenge, type LozengeTone } from './lozenge';
import { TableHead } from './table-head';

/**
 * A work item as a space's List shows it, formatted on the server. A client component so the page
 * carries the items as small records rather than rendered rows twice (see users-table-body.tsx).
 */
export type WorkItemsTableRow = {
  id: string;
  key: string;
  href: string;
  summary: string;
  status: { label: string; tone: LozengeTone };
  assignee: string;
  updated: string;
};

export function WorkItemsTable({ rows }: { rows: WorkItemsTableRow[] }) {
  return (
    <table className="w-full text-left">
      <TableHead columns={['Key', 'Summary', 'Status', 'Assignee', 'Updated']} />
      <tbody className="[&_td]:py-2 [&_td]:pr-4 [&_tr]:border-b [&_tr]:border-border">
        {rows.map((item) => (
          <tr key={item.id}>
            <td className="whitespace-nowrap text-text-subtle">{item.key}</td>
            <td>
              <Link href={item.href} prefetch={false} className="text-link hover:underline">{item.summary}</Link>
            </td>
            <td><Lozenge tone={item.status.tone}>{item.status.label}</Lozenge></td>
            <td>{item.assignee}</td>
            <td className="whitespace-nowrap text-text-subtle">{item.updated}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
