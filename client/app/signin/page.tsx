import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth-form';
import { safeNextPath } from '@/lib/format';
import { currentUser } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const next = safeNextPath((await searchParams).next);
  if (await currentUser()) redirect(next);
  return (
    <div className="narrow">
      <h1>Sign in</h1>
      <p className="lead">Welcome back.</p>
      <AuthForm mode="signin" next={next} />
    </div>
  );
}
