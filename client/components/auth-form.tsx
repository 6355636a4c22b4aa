'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { ApiFailure, User } from '@/lib/api-types';
import { fieldErrors, formErrors } from '@/lib/api-errors';
import { api } from '@/lib/browser-api';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';
import { FormAlert, FormField } from './form-field';

const FIELDS = ['email', 'password'] as const;

export function AuthForm({ mode, next }: { mode: 'signup' | 'signin'; next: string }) {
  const router = useRouter();
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useFocusFirstInvalid(failure);
  const signUp = mode === 'signup';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    const result = await api<User>('POST', `/api/users/${mode}`, {
      email: String(form.get('email') ?? '').trim(),
      password: String(form.get('password') ?? ''),
    });
    if (!result.ok) {
      setFailure(result);
      setBusy(false);
      return;
    }
    router.push(next);
    router.refresh();
  }

  const errors = fieldErrors(failure);
  const carryNext = next === '/' ? {} : { next };
  return (
    <form ref={formRef} className="card form" onSubmit={submit} noValidate aria-busy={busy}>
      <FormAlert messages={formErrors(failure, FIELDS)} />
      <FormField name="email" label="Email" type="email" autoComplete="email" required error={errors.email} />
      <FormField
        name="password"
        label="Password"
        type="password"
        autoComplete={signUp ? 'new-password' : 'current-password'}
        required
        minLength={signUp ? 8 : undefined}
        error={errors.password}
        hint={signUp ? '8 to 128 characters.' : undefined}
      />
      <button type="submit" className="button button-primary button-block" disabled={busy}>
        {busy ? (signUp ? 'Creating account…' : 'Signing in…') : signUp ? 'Create account' : 'Sign in'}
      </button>
      <p className="form-footnote">
        {signUp ? 'Already have an account? ' : 'New here? '}
        <Link href={{ pathname: signUp ? '/signin' : '/signup', query: carryNext }}>
          {signUp ? 'Sign in' : 'Create an account'}
        </Link>
      </p>
    </form>
  );
}
