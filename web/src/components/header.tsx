import type { ReactNode } from 'react';
import type { ConfigResponse } from '../types/api';
import { LogoMark } from './icons';

export const OFFLINE_FALLBACK_LABEL = 'Offline demo — not an AI model';

export interface HeaderProps {
  /** `GET /api/config`, once loaded. */
  config: ConfigResponse | undefined;
  /** Set when the config could not be loaded. */
  configError?: unknown;
  /** Shown after the badges (e.g. the discreet "Admin" button). */
  actions?: ReactNode;
}

/** Product name, the active provider and model, and an offline-demo badge. */
export function Header({ config, configError, actions }: HeaderProps) {
  return (
    <header className="z-30 border-b border-slate-200 bg-linear-to-r from-indigo-50 via-white to-pink-50 shadow-sm sm:sticky sm:top-0">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-3 sm:px-6 lg:px-8">
        <div className="flex min-w-0 items-center gap-3">
          <LogoMark className="h-9 w-9 shrink-0 drop-shadow-sm" />
          <div className="min-w-0">
            <h1 className="text-lg font-bold tracking-tight text-slate-900 sm:text-xl">VisionaryAI</h1>
            <p className="truncate text-xs text-slate-600 sm:text-sm">Self-hosted AI image generator</p>
          </div>
        </div>

        <div className="flex min-w-0 flex-wrap items-center gap-2 text-xs sm:text-sm">
          {config ? (
            <>
              <p
                className="inline-flex max-w-full items-center gap-1.5 rounded-full border border-slate-200 bg-white px-3 py-1 text-slate-700"
                data-testid="provider-model"
              >
                <span className="sr-only">Provider and model: </span>
                <span className="font-semibold text-slate-900">{config.provider}</span>
                <span aria-hidden="true" className="text-slate-400">
                  ·
                </span>
                <span className="truncate font-mono">{config.model}</span>
              </p>
              {config.offline && (
                <p
                  className="inline-flex max-w-full items-center gap-1.5 rounded-full border border-amber-300 bg-amber-100 px-3 py-1 font-semibold text-amber-900"
                  data-testid="offline-badge"
                >
                  <span aria-hidden="true" className="h-2 w-2 shrink-0 rounded-full bg-amber-500" />
                  <span>{config.label?.trim() || OFFLINE_FALLBACK_LABEL}</span>
                </p>
              )}
            </>
          ) : configError ? (
            <p className="rounded-full border border-red-200 bg-red-50 px-3 py-1 font-medium text-red-800">
              Server configuration unavailable
            </p>
          ) : (
            <span className="h-7 w-40 animate-pulse rounded-full bg-slate-200" aria-hidden="true" />
          )}
          {actions}
        </div>
      </div>
    </header>
  );
}
