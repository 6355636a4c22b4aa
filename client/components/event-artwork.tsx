import type { ReactNode } from 'react';
import type { EventCategory } from '@/lib/api-types';
import { CategoryIcon } from './category-icon';

/** A small stable number from the event's id, so two concerts side by side do not wear the same picture. */
function variantOf(id: string): number {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % 4;
}

/**
 * The designed placeholder an event shows until it has an image: the category's colours and pattern, its glyph drawn
 * large, shifted a little per event. Decorative: what it says is in the text beside it.
 */
export function EventArtwork({
  id,
  category,
  size,
  children,
}: {
  id: string;
  category: EventCategory;
  size: 'card' | 'hero' | 'thumb';
  children?: ReactNode;
}) {
  return (
    <div className={`artwork artwork-${size} art-${category} art-v${variantOf(id)}`}>
      <CategoryIcon category={category} className="artwork-glyph" />
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
