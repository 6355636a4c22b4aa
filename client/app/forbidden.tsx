import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Admins only' };

/** 403: signed in, but this page is for admins (the admin pages call forbidden()). */
export default function Forbidden() {
  return (
    <section className="card panel-error">
      <h1>Admins only</h1>
      <p>This page is for the people who curate the catalogue. Your account can browse, buy and sell.</p>
      <Link href="/" className="button button-primary">
        Browse events
      </Link>
    </section>
  );
}
