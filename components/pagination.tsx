import Link from 'next/link';

const ENABLED = 'rounded border border-border px-3 py-1.5 font-medium hover:bg-neutral';
const DISABLED = 'rounded border border-border px-3 py-1.5 font-medium text-text-subtlest';

/** Keyset paging: Previous / Next only (no page numbers, which would need a full count). */
export function Pagination({ previousHref, nextHref }: { previousHref: string | null; nextHref: string | null }) {
  if (!previousHref && !nextHref) return null;
  return (
    <nav aria-label="Pagination" className="mt-4 flex justify-end gap-2">
      <PageLink href={previousHref} rel="prev" label="Previous" />
      <PageLink href={nextHref} rel="next" label="Next" />
    </nav>
  );
}

/** A link to the page before or after, or the same label greyed out where there is none. */
function PageLink({ href, rel, label }: { href: string | null; rel: 'prev' | 'next'; label: string }) {
  return href ? (
    <Link href={href} rel={rel} className={ENABLED}>
      {label}
    </Link>
  ) : (
    <span aria-disabled="true" className={DISABLED}>
      {label}
    </span>
  );
}
