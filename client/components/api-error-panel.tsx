import Link from 'next/link';
import type { ApiFailure } from '@/lib/api-types';
import { firstMessage } from '@/lib/api-errors';

/** What a page shows when the API said no or could not be reached: the API's own words, and a way on. */
export function ApiErrorPanel({ failure, title = 'Something went wrong' }: { failure: ApiFailure; title?: string }) {
  return (
    <section className="card panel-error" role="alert">
      <h1>{title}</h1>
      <p>{firstMessage(failure)}</p>
      <p className="muted">{failure.status === 0 ? 'The service did not answer.' : `HTTP ${failure.status}`}</p>
      <Link href="/" className="button">
        Back to tickets
      </Link>
    </section>
  );
}
