export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="mx-auto mt-16 max-w-md text-center">
      <h2 className="text-xl font-semibold text-text">{title}</h2>
      {children ? <div className="mt-3 text-text-subtle">{children}</div> : null}
    </div>
  );
}
