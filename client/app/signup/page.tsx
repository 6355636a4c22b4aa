import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth-form';
import { safeNextPath } from '@/lib/format';
import { currentUser } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Sign up' };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const next = safeNextPath((await searchParams).next);
  if (await currentUser()) redirect(next);
  return (
    <div className="narrow">
      <h1>Create your account</h1>
      <p className="lead">Sell tickets you can’t use, or buy one someone else can’t.</p>
      <AuthForm mode="signup" next={next} />
    </div>
  );
}
