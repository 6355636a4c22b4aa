import Link from 'next/link';
import { CATEGORIES, searchHref, type EventSearch } from '@/lib/events';
import { CategoryIcon } from './category-icon';

/** One link per category, keeping the rest of the search; the current one is marked for screen readers too. */
export function CategoryChips({ search }: { search: EventSearch }) {
  return (
    <nav aria-label="Categories" className="chips">
      <Link href={searchHref({ ...search, category: '' })} className="chip" aria-current={search.category === '' ? 'page' : undefined}>
        All events
      </Link>
      {CATEGORIES.map((c) => (
        <Link
          key={c.value}
          href={searchHref({ ...search, category: c.value })}
          className={`chip chip-${c.value}`}
          aria-current={search.category === c.value ? 'page' : undefined}
        >
          <CategoryIcon category={c.value} className="chip-icon" />
          {c.plural}
        </Link>
      ))}
    </nav>
  );
}
