'use client';

import { useCallback, useEffect, useState } from 'react';

/**
 * Which notices a homeowner has opened, kept in this browser (localStorage) per account: a notice
 * is unread until it is opened, or until "Mark all as read" covers it. The ids kept are capped;
 * anything older than the newest "all read" mark counts as read anyway.
 */

interface Marks {
  /** Every notice created at or before this instant (ms) counts as read. */
  allReadUntil: number;
  read: string[];
}

const KEEP = 500;
const keyOf = (userId: string) => `openhouse.notices.read.${userId}`;

function load(userId: string): Marks {
  try {
    const parsed = JSON.parse(window.localStorage.getItem(keyOf(userId)) ?? 'null') as Marks | null;
    if (parsed && typeof parsed.allReadUntil === 'number' && Array.isArray(parsed.read)) return parsed;
  } catch {
    // Unreadable or blocked storage: start afresh rather than fail the page.
  }
  return { allReadUntil: 0, read: [] };
}

function save(userId: string, marks: Marks) {
  try {
    window.localStorage.setItem(keyOf(userId), JSON.stringify(marks));
  } catch {
    // Storage full or blocked: the marks last for this page only.
  }
}

export function useNoticeReadMarks(userId: string | undefined) {
  // Nothing is known until the browser's storage has been read (after the first render).
  const [marks, setMarks] = useState<Marks | null>(null);
  useEffect(() => {
    if (userId) setMarks(load(userId));
  }, [userId]);

  const isUnread = useCallback(
    (notice: { id: string; createdAt: Date | string }) =>
      marks !== null &&
      new Date(notice.createdAt).getTime() > marks.allReadUntil &&
      !marks.read.includes(notice.id),
    [marks],
  );
  const update = useCallback(
    (change: (marks: Marks) => Marks) => {
      if (!userId) return;
      setMarks((current) => {
        const next = change(current ?? load(userId));
        save(userId, next);
        return next;
      });
    },
    [userId],
  );
  const markRead = useCallback(
    (id: string) => update((m) => (m.read.includes(id) ? m : { ...m, read: [id, ...m.read].slice(0, KEEP) })),
    [update],
  );
  /** Everything up to the newest notice shown counts as read. */
  const markAllRead = useCallback(
    (newest: Date | string) =>
      update((m) => ({
        allReadUntil: Math.max(m.allReadUntil, new Date(newest).getTime()),
        read: [],
      })),
    [update],
  );
  return { ready: marks !== null, isUnread, markRead, markAllRead };
}
