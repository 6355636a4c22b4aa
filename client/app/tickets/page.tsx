import { permanentRedirect } from 'next/navigation';

/** Tickets used to be listed by title; they are now listed under their event, found from the home page. */
export default function TicketsPage() {
  permanentRedirect('/');
}
