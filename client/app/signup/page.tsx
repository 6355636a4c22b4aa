import type { Metadata } from 'next';
import { AuthPage, type AuthSearchParams } from '@/components/auth-page';

export const metadata: Metadata = { title: 'Sign up' };

export default function SignUpPage({ searchParams }: { searchParams: AuthSearchParams }) {
  return <AuthPage mode="signup" heading="Create your account" lead="Sell tickets you can’t use, or buy one someone else can’t." searchParams={searchParams} />;
}
