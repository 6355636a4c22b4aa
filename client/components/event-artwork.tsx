import type { ReactNode } from 'react';
import type { CatalogEvent } from '@/lib/api-types';
import { CategoryIcon } from './category-icon';

/** A small stable number from the event's id, so two concerts side by side do not wear the same picture. */
function variantOf(id: string): number {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % 4;
}

/**
 * The event's uploaded image, or the designed placeholder of an event without one: the category's colours and
 * pattern, its glyph drawn large, shifted a little per event. Decorative: what it says is in the text beside it.
 */
export function EventArtwork({
  event,
  size,
  children,
}: {
  event: Pick<CatalogEvent, 'id' | 'category' | 'artwork'>;
  size: 'card' | 'hero' | 'thumb';
  children?: ReactNode;
}) {
  const image = event.artwork ? (size === 'hero' ? event.artwork.hero : event.artwork.card) : null;
  return (
    <div className={`artwork artwork-${size} art-${event.category} art-v${variantOf(event.id)}${image ? ' artwork-with-image' : ''}`}>
      {image ? (
        <img className="artwork-image" src={image} alt="" loading={size === 'hero' ? 'eager' : 'lazy'} decoding="async" />
      ) : (
        <CategoryIcon category={event.category} className="artwork-glyph" />
      )}
      {children}
    </div>
  );
}

export function DateBadge({ day, month }: { day: string; month: string }) {
  return (
    <span className="date-badge" aria-hidden="true">
      <span className="date-badge-month">{month}</span>
      <span className="date-badge-day">{day}</span>
    </span>
  );
}
