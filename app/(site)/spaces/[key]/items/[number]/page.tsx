import Link from 'next/link';
import { cache } from 'react';
import { prisma } from '@/lib/db/client';
import { requireViewer } from '@/lib/auth/guard';
import { assignablePeople, getWorkItem, listShares } from '@/lib/work-items/queries';
import { itemPath } from '@/lib/work-items/schema';
import { NoAccess } from '@/components/no-access';
import { Avatar } from '@/components/avatar';
import { WorkItemAssigneeSelect } from '@/components/work-item-assignee-select';
import { WorkItemCommentForm } from '@/components/work-item-comment-form';
import { WorkItemComments } from '@/components/work-item-comments';
import { WorkItemEditor } from '@/components/work-item-editor';
import { WorkItemShare } from '@/components/work-item-share';
import { WorkItemStatusLozenge } from '@/components/work-item-status-lozenge';
import { WorkItemStatusSelect } from '@/components/work-item-status-select';
import {
  addCommentAction,
  assignWorkItemAction,
  searchShareCandidatesAction,
  shareWorkItemAction,
  transitionWorkItemAction,
  unshareWorkItemAction,
  updateWorkItemAction,
} from '../actions';

type Params = Promise<{ key: string; number: string }>;

const formatTime = (d: Date) =>
  `${d.toLocaleString('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' })} UTC`;

// The title and the page load the same item; one query per request, and both go through the policy.
const loadItem = cache(async (key: string, number: string) => {
  const viewer = await requireViewer();
  if (!/^[1-9][0-9]{0,9}$/.test(number)) return { viewer, item: null };
  return { viewer, item: await getWorkItem(prisma, viewer, { spaceKey: key, number: Number(number) }) };
});

export async function generateMetadata({ params }: { params: Params }) {
  const { key, number } = await params;
  const { item } = await loadItem(key, number);
  return { title: item ? `[${item.key}] ${item.summary} · Portico` : 'Portico' };
}

export default async function WorkItemPage({ params }: { params: Params }) {
  const { key, number } = await params;
  const { viewer, item } = await loadItem(key, number);
  if (!item) return <main><NoAccess /></main>;
  const ref = { spaceKey: item.space.key, number: item.number };
  const [people, shares] = await Promise.all([
    item.access.assign ? assignablePeople(prisma, viewer, item.space.key) : null,
    item.access.share ? listShares(prisma, viewer, ref) : null,
  ]);

  return (
    // Without space access the space layout adds no sidebar or padding, so the page brings its own.
    <main className={item.access.browseSpace ? '' : 'px-8 py-6'}>
      <nav aria-label="Breadcrumb" className="text-text-subtle">
        {item.space.name ? (
          <>
            <Link href={`/spaces/${item.space.key}`} className="hover:underline">{item.space.name}</Link>
            {' / '}
          </>
        ) : null}
        <Link href={itemPath(item.space.key, item.number)} className="hover:underline">{item.key}</Link>
      </nav>
      {item.access.viaShare ? (
        <p role="note" className="mt-3 rounded bg-information-subtle px-3 py-2 text-text-information">
          This work item was shared with you. You can view it and comment on it.
        </p>
      ) : null}

      <div className="mt-3 grid grid-cols-1 gap-8 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="min-w-0">
          <WorkItemEditor spaceKey={ref.spaceKey} number={ref.number} summary={item.summary} description={item.description}
            canEdit={item.access.edit} action={updateWorkItemAction} />

          <section aria-labelledby="activity-heading" className="mt-8">
            <h2 id="activity-heading" className="mb-3 font-semibold">Activity</h2>
            {item.access.comment ? (
              <WorkItemCommentForm spaceKey={ref.spaceKey} number={ref.number} viewerName={viewer.name} action={addCommentAction} />
            ) : null}
            <WorkItemComments
              comments={item.comments.map((c) => ({ id: c.id, body: c.body, when: formatTime(c.createdAt), author: c.author?.name ?? null }))}
            />
          </section>
        </div>

        <aside aria-label="Details" className="space-y-4">
          <div className="flex items-start gap-2">
            {item.access.transition ? (
              <WorkItemStatusSelect spaceKey={ref.spaceKey} number={ref.number} status={item.status} action={transitionWorkItemAction} />
            ) : (
              <p><span className="sr-only">Status: </span><WorkItemStatusLozenge status={item.status} /></p>
            )}
            {shares ? (
              <WorkItemShare spaceKey={ref.spaceKey} number={ref.number} itemKey={item.key}
                shares={shares.map(({ id, name, email }) => ({ id, name, email }))}
                search={searchShareCandidatesAction} share={shareWorkItemAction} unshare={unshareWorkItemAction} />
            ) : null}
          </div>
          <section aria-labelledby="details-heading" className="rounded border border-border">
            <h2 id="details-heading" className="border-b border-border px-4 py-2 font-semibold">Details</h2>
            <dl className="grid grid-cols-[6rem_minmax(0,1fr)] items-center gap-x-3 gap-y-3 px-4 py-3">
              <dt className="text-text-subtle">Assignee</dt>
              <dd>
                {people ? (
                  <WorkItemAssigneeSelect spaceKey={ref.spaceKey} number={ref.number} assignee={item.assignee} people={people}
                    action={assignWorkItemAction} />
                ) : (
                  <PersonName person={item.assignee} empty="Unassigned" />
                )}
              </dd>
              <dt className="text-text-subtle">Reporter</dt>
              <dd><PersonName person={item.reporter} empty="Former user" /></dd>
            </dl>
          </section>
          <p className="text-xs text-text-subtlest">
            Created {formatTime(item.createdAt)}
            <br />
            Updated {formatTime(item.updatedAt)}
          </p>
        </aside>
      </div>
    </main>
  );
}

function PersonName({ person, empty }: { person: { name: string } | null; empty: string }) {
  if (!person) return <span className="text-text-subtle">{empty}</span>;
  return (
    <span className="flex items-center gap-2">
      <Avatar name={person.name} />
      {person.name}
    </span>
  );
}
