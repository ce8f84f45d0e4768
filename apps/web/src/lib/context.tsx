import type { GpuShopper, WhoamiResponse } from '@gpu-shopper/client';
import { createContext, useContext } from 'react';

export interface ConsoleContext {
  client: GpuShopper;
  whoami: WhoamiResponse;
  simulated: boolean;
  signOut: () => void;
  navigate: (hash: string) => void;
}

export const Console = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const value = useContext(Console);
  if (!value) throw new Error('useConsole outside the console shell');
  return value;
}
