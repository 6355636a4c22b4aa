import { redirect } from 'next/navigation';
import { safeNextPath } from '@/lib/format';
import { currentUser } from '@/lib/server-api';
import { AuthForm } from './auth-form';

export type AuthSearchParams = Promise<{ next?: string | string[] }>;

/** Sign in and sign up: a visitor who is already signed in goes straight on to `next` (a path on this site). */
export async function AuthPage({ mode, heading, lead, searchParams }: { mode: 'signin' | 'signup'; heading: string; lead: string; searchParams: AuthSearchParams }) {
  const next = safeNextPath((await searchParams).next);
  if (await currentUser()) redirect(next);
  return (
    <div className="narrow">
      <h1>{heading}</h1>
      <p className="lead">{lead}</p>
      <AuthForm mode={mode} next={next} />
    </div>
  );
}
