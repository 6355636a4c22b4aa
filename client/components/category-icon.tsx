import type { ReactNode } from 'react';
import type { EventCategory } from '@/lib/api-types';

/** One line-drawn glyph per category (24×24, stroked in currentColor): drawn here, so nothing is fetched. */
const GLYPHS: Record<EventCategory, ReactNode> = {
  concert: (
    <>
      <path d="M9 18V5.5l11-2.2v12.2" />
      <circle cx="6.5" cy="18" r="2.7" />
      <circle cx="17.5" cy="15.5" r="2.7" />
      <path d="M9 9.2l11-2.2" />
    </>
  ),
  sports: (
    <>
      <circle cx="12" cy="12" r="9.5" />
      <path d="M12 2.5v19M2.5 12h19" />
      <path d="M5.3 5.3c2.6 2.2 2.6 11.2 0 13.4M18.7 5.3c-2.6 2.2-2.6 11.2 0 13.4" />
    </>
  ),
  theatre: (
    <>
      <path d="M4 3.5h16v7.5a8 8 0 0 1-16 0z" />
      <path d="M7.8 9c.8-.8 2-.8 2.8 0M13.4 9c.8-.8 2-.8 2.8 0" />
      <path d="M8.5 13.5c2 2 5 2 7 0" />
    </>
  ),
  comedy: (
    <>
      <rect x="9" y="2.5" width="6" height="11" rx="3" />
      <path d="M5.5 10.5a6.5 6.5 0 0 0 13 0M12 17v4.5M8.5 21.5h7" />
    </>
  ),
  festival: (
    <>
      <path d="M12 3.5 2.5 20.5h19z" />
      <path d="M12 3.5v17M9 20.5l3-5.5 3 5.5" />
      <path d="M12 3.5V1.5l3.5 1-3.5 1" />
    </>
  ),
  other: <path d="m12 2.8 2.8 5.8 6.3.9-4.6 4.4 1.1 6.3L12 17.2l-5.6 3 1.1-6.3-4.6-4.4 6.3-.9z" />,
};

export function CategoryIcon({ category, className }: { category: EventCategory; className?: string }) {
  return (
    <svg
      className={className}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {GLYPHS[category] ?? GLYPHS.other}
    </svg>
  );
}
