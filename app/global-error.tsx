'use client';

import './globals.css';
import { ErrorScreen } from '@/components/error-screen';

// Replaces the root layout when it fails, so it brings its own <html> and <body>.
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans antialiased">
        <ErrorScreen error={error} reset={reset} />
      </body>
    </html>
  );
}
