import Link from 'next/link';

/** A one-field GET search (`?q=`) for a list page, with Clear while a search is shown. */
export function SearchBox({ action, label, placeholder, q, primary }: { action: string; label: string; placeholder: string; q: string; primary?: boolean }) {
  return (
    <form role="search" action={action} className="search">
      <label htmlFor="search-q" className="visually-hidden">
        {label}
      </label>
      <input id="search-q" name="q" type="search" defaultValue={q} placeholder={placeholder} maxLength={200} />
      <button type="submit" className={primary ? 'button button-primary' : 'button'}>
        Search
      </button>
      {q && (
        <Link href={action} className="button button-ghost">
          Clear
        </Link>
      )}
    </form>
  );
}
