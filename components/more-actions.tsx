/** Atlassian's "More actions (•••)" menu, as a disclosure so it works without JavaScript too. */
export function MoreActions({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <details className="relative inline-block">
      <summary aria-label={label} title="More actions" className="flex h-8 w-8 cursor-pointer list-none items-center justify-center rounded hover:bg-neutral">
        <span aria-hidden="true" className="text-lg leading-none">•••</span>
      </summary>
      <div className="absolute right-0 z-20 mt-1 min-w-48 rounded border border-border bg-surface p-2 shadow-lg">{children}</div>
    </details>
  );
}
