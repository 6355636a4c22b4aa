import type { Metadata } from 'next';
import { EventForm } from '@/components/admin/event-form';
import { countryOptions, timeZoneOptions } from '@/lib/place-options';
import { adminPageTitle, requireAdmin } from '@/lib/server-api';

export const generateMetadata = (): Promise<Metadata> => adminPageTitle('New event');

export default async function NewEventPage() {
  await requireAdmin('/admin/events/new');
  return (
    <div className="form-page">
      <p className="eyebrow">Admin</p>
      <h1>New event</h1>
      <p className="lead">Buyers find it on the home page at once. Give the start as the venue’s clock shows it.</p>
      <EventForm timeZones={timeZoneOptions()} countries={countryOptions()} />
    </div>
  );
}
