export function CenteredCard({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-start justify-center bg-sunken pt-20">
      <div className="w-full max-w-md rounded-md bg-surface p-8 shadow-md">{children}</div>
    </main>
  );
}
