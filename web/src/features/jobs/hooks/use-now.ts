import { useEffect, useState } from 'react';

/** `Date.now()`, re-read every `intervalMs` while `ticking` (for elapsed-time counters). */
export function useNow(ticking: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return undefined;
    setNow(Date.now());
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(id);
  }, [ticking, intervalMs]);
  return now;
}
