import type { Result } from '@/lib/result';
import { Lozenge } from './lozenge';
import { CredentialRevoke } from './credential-revoke';

export type OrgApiKeyListRow = {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
  expired: boolean;
  createdBy: { name: string; email: string } | null;
  creatorIsSiteAdmin: boolean;
};

const formatDay = (date: Date | null) =>
  date ? date.toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }) : 'Never';

/** The organization's API keys: name, created by, created, last used, expires, Revoke. */
export function OrgApiKeyTable({ keys, revoke }: { keys: OrgApiKeyListRow[]; revoke: (input: { keyId: string }) => Promise<Result<string>> }) {
  if (keys.length === 0) return <p className="text-text-subtle">Your organization doesn’t have any API keys yet.</p>;
  return (
    <table aria-label="API keys" className="w-full text-left">
      <thead className="border-b-2 border-border text-xs text-text-subtle">
        <tr>
          <th className="py-2 pr-4 font-semibold">Name</th>
          <th className="py-2 pr-4 font-semibold">Created by</th>
          <th className="py-2 pr-4 font-semibold">Created</th>
          <th className="py-2 pr-4 font-semibold">Last used</th>
          <th className="py-2 pr-4 font-semibold">Expires</th>
          <th className="py-2"><span className="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        {keys.map((key) => (
          <tr key={key.id} data-credential-id={key.id} className="border-b border-border align-top">
            <td className="py-2 pr-4 font-medium break-all">{key.name}</td>
            <td className="py-2 pr-4">
              {key.createdBy ? (
                <>
                  <span className="block">{key.createdBy.name}</span>
                  <span className="block text-xs text-text-subtlest break-all">{key.createdBy.email}</span>
                </>
              ) : (
                <span className="text-text-subtle">Deleted account</span>
              )}
              {key.creatorIsSiteAdmin ? null : (
                <span className="mt-1 block" title="A key works only while the site admin who created it is still one. Revoke it and create a new one.">
                  <Lozenge tone="warning">Not a site admin</Lozenge>
                </span>
              )}
            </td>
            <td className="py-2 pr-4 whitespace-nowrap">{formatDay(key.createdAt)}</td>
            <td className="py-2 pr-4 whitespace-nowrap">{formatDay(key.lastUsedAt)}</td>
            <td className="py-2 pr-4 whitespace-nowrap">
              {formatDay(key.expiresAt)} {key.expired ? <Lozenge tone="danger">Expired</Lozenge> : null}
            </td>
            <td className="py-2 text-right"><CredentialRevoke name={key.name} consequence="Any script or integration that uses this API key" revoke={revoke.bind(null, { keyId: key.id })} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
