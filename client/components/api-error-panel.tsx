import Link from 'next/link';
import type { ApiFailure } from '@/lib/api-types';
import { firstMessage } from '@/lib/api-errors';

/** What a page shows when the API said no or could not be reached: the API's own words, and a way on. */
export function ApiErrorPanel({
  failure,
  title = 'Something went wrong',
  headingLevel = 1,
  action = { href: '/', label: 'Back to events' },
}: {
  failure: ApiFailure;
  title?: string;
  /** 2 when the page already has its own h1 above the panel. */
  headingLevel?: 1 | 2;
  action?: { href: string; label: string };
}) {
  const Heading = headingLevel === 1 ? 'h1' : 'h2';
  return (
    <section className="card panel-error" role="alert">
      <Heading>{title}</Heading>
      <p>{firstMessage(failure)}</p>
      {failure.status !== 0 && <p className="muted small">HTTP {failure.status}</p>}
      <Link href={action.href} className="button">
        {action.label}
      </Link>
    </section>
  );
}
