import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ArtworkUpload } from '@/components/admin/artwork-upload';
import { EventForm } from '@/components/admin/event-form';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { countryOptions, timeZoneOptions } from '@/lib/place-options';
import { adminPageTitle, getEvent, requireAdmin } from '@/lib/server-api';

export const generateMetadata = (): Promise<Metadata> => adminPageTitle('Edit event');

type Props = { params: Promise<{ id: string }> };

export default async function EditEventPage({ params }: Props) {
  const { id } = await params;
  await requireAdmin(`/admin/events/${id}/edit`);
  const result = await getEvent(id);
  if (!result.ok) {
    if (result.status === 404) notFound();
    return <ApiErrorPanel failure={result} title="This event could not be loaded" action={{ href: '/admin/events', label: 'Back to events' }} />;
  }
  const event = result.data;
  const closed = event.status === 'cancelled' ? 'cancelled' : Date.parse(event.startsAt) <= Date.now() ? 'over' : null;
  return (
    <div className="form-page">
      <p className="eyebrow">Admin</p>
      <h1>Edit event</h1>
      {closed ? (
        <div className="notice notice-warning" role="status">
          <p className="notice-title">This event is {closed} and can’t be edited.</p>
          <p>
            <Link href={`/events/${event.id}`}>See its page</Link> or go <Link href="/admin/events">back to the events</Link>.
          </p>
        </div>
      ) : (
        <>
          <p className="lead">Changes show on its page at once. Editing a cancelled or past event is not possible.</p>
          <ArtworkUpload event={event} />
          <EventForm event={event} timeZones={timeZoneOptions(event.timeZone)} countries={countryOptions()} />
        </>
      )}
    </div>
  );
}
