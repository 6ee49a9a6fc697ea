import { prisma } from '@/lib/db/client';
import { viewerWith } from '@/lib/auth/guard';
import { listSiteUsers } from '@/lib/users/queries';
import { NoAccess } from '@/components/no-access';
import { Avatar } from '@/components/avatar';
import { Lozenge } from '@/components/lozenge';

export const metadata = { title: 'Users · Settings · Portico' };

const ROLE_LABEL = { GUEST: 'Guest', USER: 'User', ADMIN: 'Admin' } as const;
const formatDate = (date: Date | null) =>
  date ? date.toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }) : 'Never';

export default async function UsersPage() {
  const viewer = await viewerWith('admin.users.view');
  if (!viewer) return <NoAccess />;
  const users = await listSiteUsers(prisma, viewer);
  return (
    <>
      <h1 className="mb-6 text-2xl font-semibold">Users</h1>
      <table className="w-full text-left">
        <thead className="border-b-2 border-border text-xs text-text-subtle">
          <tr>
            <th className="py-2 pr-4 font-semibold">User</th>
            <th className="py-2 pr-4 font-semibold">Jira role</th>
            <th className="py-2 pr-4 font-semibold">Status</th>
            <th className="py-2 pr-4 font-semibold">Space</th>
            <th className="py-2 pr-4 font-semibold">Last active</th>
            <th className="py-2 pr-4 font-semibold">Added</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id} className="border-b border-border">
              <td className="py-2 pr-4">
                <div className="flex items-center gap-2">
                  <Avatar name={user.name} size={32} />
                  <div>
                    <p className="font-medium">
                      {user.name} {user.external ? <Lozenge>External</Lozenge> : null}
                    </p>
                    <p className="text-text-subtle">{user.email}</p>
                  </div>
                </div>
              </td>
              <td className="py-2 pr-4">
                {user.jiraRole ? <Lozenge tone={user.jiraRole === 'GUEST' ? 'discovery' : 'default'}>{ROLE_LABEL[user.jiraRole]}</Lozenge> : 'No access'}
              </td>
              <td className="py-2 pr-4">{user.status === 'ACTIVE' ? 'Active' : <Lozenge tone="danger">Suspended</Lozenge>}</td>
              <td className="py-2 pr-4">{user.jiraRole === 'GUEST' ? (user.space ? `${user.space.name} (${user.space.key})` : 'No space') : '—'}</td>
              <td className="py-2 pr-4 whitespace-nowrap">{formatDate(user.lastActiveAt)}</td>
              <td className="py-2 pr-4 whitespace-nowrap">{formatDate(user.addedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
