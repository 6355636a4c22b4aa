'use client';

import Link from 'next/link';

/** Anything unexpected while rendering a page: say so plainly, offer a retry, never a blank page. */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <section className="card panel-error" role="alert">
      <h1>Something went wrong</h1>
      <p>This page could not be shown just now. It is usually temporary: try again in a moment.</p>
      {digest && <p className="muted small">Reference: {digest}</p>}
      <div className="actions">
        <button type="button" className="button button-primary" onClick={() => retry()}>
          Try again
        </button>
        <Link href="/" className="button">
          Back to events
        </Link>
      </div>
    </section>
  );
}
