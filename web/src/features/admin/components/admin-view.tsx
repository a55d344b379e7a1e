import { useCallback, useEffect, useRef, useState } from 'react';
import toast from 'react-hot-toast';
import { Button } from '../../../components/button';
import { ChevronLeftIcon } from '../../../components/icons';
import type { AdminUsageResponse } from '../../../types/api';
import { useAdminToken } from '../admin-token';
import { INVALID_TOKEN_MESSAGE, isTokenRefusal, useUsage, useUsageCache } from '../api/get-usage';
import { DEFAULT_USAGE_PERIOD, type UsagePeriod } from '../usage';
import { AdminSignIn } from './admin-sign-in';
import { UsageDashboard } from './usage-dashboard';

export const TOKEN_NO_LONGER_ACCEPTED = 'The server no longer accepts this admin token. Sign in again.';

export interface AdminViewProps {
  /** Back to the gallery. */
  onClose: () => void;
}

/** The operator's page: asks for the admin token, then shows spending and usage. */
export function AdminView({ onClose }: AdminViewProps) {
  const { token, save, clear } = useAdminToken();
  const [period, setPeriod] = useState<UsagePeriod>(DEFAULT_USAGE_PERIOD);
  const [notice, setNotice] = useState<string | null>(null);
  const cache = useUsageCache();
  const usage = useUsage(token, period);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const signedIn = token !== null;

  // Signed in already (this tab): the heading takes focus. Otherwise the token field does.
  useEffect(() => {
    if (signedIn) headingRef.current?.focus();
  }, [signedIn]);

  const signOut = useCallback(
    (reason: string | null) => {
      clear();
      cache.forget();
      setNotice(reason);
    },
    [clear, cache],
  );

  // The token was changed or removed on the server since signing in.
  const refusal = usage.error;
  useEffect(() => {
    if (!isTokenRefusal(refusal)) return;
    signOut(refusal.message === INVALID_TOKEN_MESSAGE ? TOKEN_NO_LONGER_ACCEPTED : refusal.message);
  }, [refusal, signOut]);

  const onSignedIn = (value: string, first: AdminUsageResponse) => {
    cache.seed(value, period, first);
    save(value);
    setNotice(null);
  };

  return (
    <section aria-labelledby="admin-heading" className="space-y-6" data-testid="admin-view">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <Button variant="ghost" onClick={onClose} className="-ml-3 px-3 py-1.5 text-indigo-700">
            <ChevronLeftIcon className="h-4 w-4" />
            Back to the gallery
          </Button>
          <h2 ref={headingRef} id="admin-heading" tabIndex={-1} className="mt-1 text-xl font-bold tracking-tight text-slate-900 sm:text-2xl">
            Admin
          </h2>
          <p className="text-sm text-slate-600">Spending and usage of this server.</p>
        </div>
        {signedIn && (
          <Button
            onClick={() => {
              signOut(null);
              toast.success('Signed out. The admin token was removed from this tab.');
            }}
          >
            Sign out
          </Button>
        )}
      </div>

      {signedIn ? (
        <UsageDashboard
          period={period}
          onPeriodChange={setPeriod}
          usage={usage.data}
          error={isTokenRefusal(usage.error) ? undefined : usage.error}
          isLoading={usage.isLoading}
          isUpdating={usage.isValidating || usage.isSwitching}
          onRetry={() => {
            if (!usage.isValidating) void usage.mutate();
          }}
        />
      ) : (
        <AdminSignIn days={period} onSignedIn={onSignedIn} onCancel={onClose} notice={notice} />
      )}
    </section>
  );
}
