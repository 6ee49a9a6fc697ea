import type { Result } from '@/lib/result';
import { CredentialRevoke } from './credential-revoke';
import { Lozenge } from './lozenge';
import { TableHead } from './table-head';

export type ApiTokenListRow = { id: string; name: string; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date; expired: boolean };

const formatDay = (date: Date | null) =>
  date ? date.toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }) : 'Never';

/** The signed-in person's API tokens: name, created, last used, expires, Revoke. */
export function ApiTokenTable({ tokens, revoke }: { tokens: ApiTokenListRow[]; revoke: (input: { tokenId: string }) => Promise<Result<string>> }) {
  if (tokens.length === 0) return <p className="text-text-subtle">You don’t have any API tokens yet.</p>;
  return (
    <table aria-label="API tokens" className="w-full text-left">
      <TableHead columns={['Name', 'Created', 'Last used', 'Expires', { hiddenLabel: 'Actions' }]} />
      <tbody>
        {tokens.map((token) => (
          <tr key={token.id} data-credential-id={token.id} className="border-b border-border">
            <td className="py-2 pr-4 font-medium break-all">{token.name}</td>
            <td className="py-2 pr-4 whitespace-nowrap">{formatDay(token.createdAt)}</td>
            <td className="py-2 pr-4 whitespace-nowrap">{formatDay(token.lastUsedAt)}</td>
            <td className="py-2 pr-4 whitespace-nowrap">
              {formatDay(token.expiresAt)} {token.expired ? <Lozenge tone="danger">Expired</Lozenge> : null}
            </td>
            <td className="py-2 text-right"><CredentialRevoke name={token.name} consequence="Any script or app that uses this token" revoke={revoke.bind(null, { tokenId: token.id })} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
