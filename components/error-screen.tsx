'use client';

import { UNAVAILABLE_DIGEST, UNAVAILABLE_MESSAGE } from '@/lib/db/unavailable';

/**
 * What app/error.tsx and app/global-error.tsx show. Production hides error messages from the
 * browser; the digest says when the database was away (lib/db/client.ts sets it), and then the
 * page says so plainly instead of "something went wrong".
 */
export function ErrorScreen({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const unavailable = error.digest === UNAVAILABLE_DIGEST;
  return (
    <main className="flex min-h-screen items-start justify-center bg-sunken pt-20">
      <div role="alert" className="w-full max-w-md rounded-md bg-surface p-8 shadow-md">
        <h1 className="mb-2 text-xl font-semibold">{unavailable ? 'Temporarily unavailable' : 'Something went wrong'}</h1>
        <p className="mb-6 text-text-subtle">{unavailable ? UNAVAILABLE_MESSAGE : 'Try again in a moment. If it keeps happening, tell your site admin.'}</p>
        <button type="button" onClick={reset} className="rounded bg-brand px-3 py-1.5 font-medium text-white">
          Try again
        </button>
      </div>
    </main>
  );
}
