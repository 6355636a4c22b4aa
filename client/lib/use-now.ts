'use client';

import { useEffect, useState } from 'react';

/** The browser's clock, ticking; null on the server and in the first render, so hydration never disagrees on it. */
export function useNow(intervalMs: number): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
