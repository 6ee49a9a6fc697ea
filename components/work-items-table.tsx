'use client';

import Link from 'next/link';
import { Lozenge, type LozengeTone } from './lozenge';

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
      <thead className="border-b-2 border-border text-xs text-text-subtle">
        <tr>
          <th className="py-2 pr-4 font-semibold">Key</th>
          <th className="py-2 pr-4 font-semibold">Summary</th>
          <th className="py-2 pr-4 font-semibold">Status</th>
          <th className="py-2 pr-4 font-semibold">Assignee</th>
          <th className="py-2 pr-4 font-semibold">Updated</th>
        </tr>
      </thead>
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
