import Link from 'next/link';
import { currentUser } from '@/lib/server-api';
import { SignOutButton } from './sign-out-button';
import { NavLink } from './nav-link';

export async function SiteHeader() {
  const user = await currentUser();
  return (
    <header className="site-header">
      <div className="container header-inner">
        <Link href="/" className="brand">
          <svg className="brand-mark" viewBox="0 0 64 64" aria-hidden="true">
            <rect width="64" height="64" rx="14" fill="currentColor" />
            <path
              d="M14 22a4 4 0 0 1 4-4h28a4 4 0 0 1 4 4v5a5 5 0 0 0 0 10v5a4 4 0 0 1-4 4H18a4 4 0 0 1-4-4v-5a5 5 0 0 0 0-10z"
              fill="#fff"
            />
          </svg>
          Ticketing
        </Link>
        <nav aria-label="Main" className="nav">
          <NavLink href="/">Events</NavLink>
          <NavLink href="/sell">Sell</NavLink>
          {user && <NavLink href="/listings">My listings</NavLink>}
          {user && <NavLink href="/orders">My orders</NavLink>}
          {user?.roles.includes('admin') && <NavLink href="/admin/events">Admin</NavLink>}
        </nav>
        <div className="account">
          {user ? (
            <>
              <span className="account-email" title="Signed in">
                {user.email}
              </span>
              <SignOutButton />
            </>
          ) : (
            <>
              <Link href="/signin" className="button button-ghost">
                Sign in
              </Link>
              <Link href="/signup" className="button button-primary">
                Sign up
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
