import Link from 'next/link';

const ENABLED = 'rounded border border-border px-3 py-1.5 font-medium hover:bg-neutral';
const DISABLED = 'rounded border border-border px-3 py-1.5 font-medium text-text-subtlest';

/** Keyset paging: Previous / Next only (no page numbers, which would need a full count). */
export function Pagination({ previousHref, nextHref }: { previousHref: string | null; nextHref: string | null }) {
  if (!previousHref && !nextHref) return null;
  return (
    <nav aria-label="Pagination" className="mt-4 flex justify-end gap-2">
      {previousHref ? (
        <Link href={previousHref} rel="prev" className={ENABLED}>
          Previous
        </Link>
      ) : (
        <span aria-disabled="true" className={DISABLED}>
          Previous
        </span>
      )}
      {nextHref ? (
        <Link href={nextHref} rel="next" className={ENABLED}>
          Next
        </Link>
      ) : (
        <span aria-disabled="true" className={DISABLED}>
          Next
        </span>
      )}
    </nav>
  );
}
