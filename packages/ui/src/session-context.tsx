'use client';

import { createContext, useContext, type ReactNode } from 'react';

export interface ClientSession {
  userId: string;
  role: 'homeowner' | 'developer';
}

const SessionContext = createContext<ClientSession | null>(null);

/** Who is signed in, for client components (the server read and verified the session). */
export function SessionProvider({ session, children }: { session: ClientSession; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);
