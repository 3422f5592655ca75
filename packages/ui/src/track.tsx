'use client';

import { useMutation } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';

import { useTRPC } from './trpc';

type Properties = Record<string, string | number | boolean | null>;

/**
 * Records an analytics event. Fire and forget: a lost page view must never show the user an
 * error, so failures are deliberately ignored here.
 */
export function useTrack() {
  const trpc = useTRPC();
  const { mutate } = useMutation(trpc.analytics.track.mutationOptions({ retry: false }));
  return useCallback((name: string, properties: Properties = {}) => mutate({ name, properties }), [mutate]);
}

/** One `page.view` per page load, with its path. */
export function PageView() {
  const track = useTrack();
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    track('page.view', { page: window.location.pathname });
  }, [track]);
  return null;
}
