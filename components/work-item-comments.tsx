import { Avatar } from './avatar';

export type WorkItemCommentRow = { id: string; body: string; when: string; author: string | null };

/**
 * The Activity list. Bodies are plain text rendered as React text nodes (escaped), never as HTML:
 * anyone who can comment, guests included, writes what others read.
 */
export function WorkItemComments({ comments }: { comments: WorkItemCommentRow[] }) {
  if (comments.length === 0) return <p className="text-text-subtle">No comments yet.</p>;
  return (
    <ol aria-label="Comments" className="space-y-5">
      {comments.map((comment) => (
        <li key={comment.id} className="flex gap-3">
          <Avatar name={comment.author ?? '?'} size={32} />
          <div className="min-w-0 flex-1">
            <p>
              <span className="font-semibold">{comment.author ?? 'Former user'}</span>{' '}
              <span className="text-xs text-text-subtlest">{comment.when}</span>
            </p>
            <p className="mt-1 break-words whitespace-pre-wrap">{comment.body}</p>
          </div>
        </li>
      ))}
    </ol>
  );
}
