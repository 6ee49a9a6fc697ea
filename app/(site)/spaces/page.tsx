import Link from 'next/link';
import { prisma } from '@/lib/db/client';
import { viewerWith } from '@/lib/auth/guard';
import { listVisibleSpaces } from '@/lib/spaces/queries';
import { NoAccess } from '@/components/no-access';
import { TableHead } from '@/components/table-head';

export const metadata = { title: 'Spaces · Portico' };

export default async function SpacesPage() {
  const viewer = await viewerWith('spaces.browseAll');
  if (!viewer) return <main><NoAccess /></main>;
  const spaces = await listVisibleSpaces(prisma, viewer);
  return (
    <main className="px-10 py-8">
      <h1 className="mb-6 text-2xl font-semibold">Spaces</h1>
      <table className="w-full max-w-4xl text-left">
        <TableHead columns={['Name', 'Key', 'Lead']} />
        <tbody>
          {spaces.map((space) => (
            <tr key={space.id} className="border-b border-border hover:bg-hovered">
              <td className="py-2 pr-4">
                <Link className="text-link hover:underline" href={`/spaces/${space.key}`}>{space.name}</Link>
              </td>
              <td className="py-2 pr-4">{space.key}</td>
              <td className="py-2 pr-4">{space.lead?.name ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
