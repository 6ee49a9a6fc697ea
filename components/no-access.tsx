import Link from 'next/link';
import { EmptyState } from './empty-state';

/** The one answer for anything a person may not see: no data, no hint of what exists. */
export function NoAccess() {
  return (
    <EmptyState title="You don't have access to this page">
      <p>Ask a site admin if you think you should.</p>
      <p className="mt-4">
        <Link className="text-link hover:underline" href="/">
          Go to your home page
        </Link>
      </p>
    </EmptyState>
  );
}
