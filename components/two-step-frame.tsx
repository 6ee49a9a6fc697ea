import { CenteredCard } from './centered-card';

/** The frame of the /verify pages: a card, who is signed in, and a way out. */
export function TwoStepFrame({ title, email, signOut, children }: { title: string; email: string; signOut: () => Promise<void>; children: React.ReactNode }) {
  return (
    <CenteredCard>
      <h1 className="mb-2 text-xl font-semibold">{title}</h1>
      {children}
      <form action={signOut} className="mt-6 border-t border-border pt-4 text-text-subtle">
        Signed in as {email}.{' '}
        <button type="submit" className="text-link hover:underline">Log out</button>
      </form>
    </CenteredCard>
  );
}
