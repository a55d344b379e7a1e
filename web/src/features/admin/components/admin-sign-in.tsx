import { useId, useRef, useState, type FormEvent } from 'react';
import { Button } from '../../../components/button';
import { Spinner } from '../../../components/icons';
import { describeError } from '../../../lib/api-client';
import { cn } from '../../../lib/cn';
import type { AdminUsageResponse } from '../../../types/api';
import { isPlausibleToken } from '../admin-token';
import { getUsage, INVALID_TOKEN_MESSAGE } from '../api/get-usage';

export interface AdminSignInProps {
  /** The period the view will show first (fetched here, so the answer can be reused). */
  days: number;
  /** Called once the server accepted the token, with its first answer. */
  onSignedIn: (token: string, usage: AdminUsageResponse) => void;
  onCancel: () => void;
  /** Why the user is asked again (e.g. the server stopped accepting the token). */
  notice?: string | null;
}

/**
 * Asks for the admin token and checks it with `GET /api/admin/usage` before keeping it. The field
 * has no `name` and the form is never submitted by the browser, so the token cannot end up in a URL.
 */
export function AdminSignIn({ days, onSignedIn, onCancel, notice }: AdminSignInProps) {
  const [visible, setVisible] = useState(false);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const ids = { input: useId(), hint: useId(), error: useId(), notice: useId() };

  const fail = (message: string) => {
    setError(message);
    inputRef.current?.focus();
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (checking) return;
    // Read from the field rather than kept in state: React would mirror it into a value attribute.
    const candidate = (inputRef.current?.value ?? '').trim();
    if (candidate === '') return fail('Enter the admin token.');
    if (!isPlausibleToken(candidate)) return fail(INVALID_TOKEN_MESSAGE);
    setChecking(true);
    setError(null);
    try {
      const usage = await getUsage(candidate, days);
      onSignedIn(candidate, usage);
    } catch (caught) {
      setChecking(false);
      fail(describeError(caught));
    }
  };

  const describedBy = [ids.hint, error ? ids.error : null, notice ? ids.notice : null].filter(Boolean).join(' ');

  return (
    <form
      onSubmit={(event) => void onSubmit(event)}
      method="post"
      noValidate
      aria-labelledby="admin-sign-in-heading"
      className="mx-auto w-full max-w-md rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6"
      data-testid="admin-sign-in"
    >
      <h3 id="admin-sign-in-heading" className="text-lg font-bold text-slate-900">
        Sign in as admin
      </h3>
      {notice && (
        <p id={ids.notice} role="status" className="mt-3 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {notice}
        </p>
      )}
      <p id={ids.hint} className="mt-2 text-sm text-slate-600">
        Enter the server’s admin token (<code className="font-mono text-xs">VISIONARY_ADMIN_TOKEN</code>). It stays in
        this browser tab only and is forgotten when you sign out or close the tab.
      </p>

      <label htmlFor={ids.input} className="mt-5 block text-sm font-semibold text-slate-900">
        Admin token
      </label>
      <div className="mt-1.5 flex gap-2">
        <input
          ref={inputRef}
          id={ids.input}
          type={visible ? 'text' : 'password'}
          onChange={() => {
            if (error) setError(null);
          }}
          autoComplete="off"
          autoCapitalize="off"
          autoCorrect="off"
          spellCheck={false}
          // Focus goes here when the sign-in appears (the view was opened for it).
          autoFocus
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          className={cn(
            'min-w-0 flex-1 rounded-lg border bg-white px-3 py-2 font-mono text-sm text-slate-900 shadow-sm',
            'focus:border-indigo-500 focus-visible:outline-offset-0',
            error ? 'border-red-400' : 'border-slate-300',
          )}
        />
        <Button
          variant="secondary"
          className="shrink-0 px-3"
          onClick={() => setVisible((v) => !v)}
          aria-pressed={visible}
          aria-controls={ids.input}
        >
          {visible ? 'Hide' : 'Show'}
        </Button>
      </div>
      <p id={ids.error} role="alert" className="mt-2 min-h-5 text-sm font-medium text-red-700" data-testid="admin-sign-in-error">
        {error}
      </p>

      <div className="mt-4 flex flex-wrap justify-end gap-2">
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button variant="primary" type="submit" aria-disabled={checking}>
          {checking && <Spinner />}
          {checking ? 'Checking…' : 'Sign in'}
        </Button>
      </div>
    </form>
  );
}
