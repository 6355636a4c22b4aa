import Link from 'next/link';

export default function NotFound() {
  return (
    <section className="card panel-error">
      <h1>Not found</h1>
      <p>There is no such page, event, ticket or order. It may have been mistyped, or the link is out of date.</p>
      <Link href="/" className="button button-primary">
        Browse events
      </Link>
    </section>
  );
}
