import { permanentRedirect } from 'next/navigation';

/** The old edit form of a single ticket: listings are edited from "My listings" now. */
export default function OldTicketEditPage() {
  permanentRedirect('/listings');
}
