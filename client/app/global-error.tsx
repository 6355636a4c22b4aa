'use client';

import './globals.css';

/** Replaces the root layout when the layout itself fails; must bring its own <html> and <body>. */
export default function GlobalError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body>
        <main className="container main">
          <section className="card panel-error" role="alert">
            <h1>Something went wrong</h1>
            <p>Ticketing could not be shown just now. Try again in a moment.</p>
            <button type="button" className="button button-primary" onClick={() => retry()}>
              Try again
            </button>
          </section>
        </main>
      </body>
    </html>
  );
}
