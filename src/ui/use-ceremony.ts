import { useState } from 'react';
import type { AuraNodeApi } from '../node/api.ts';
import { useNodeQuery } from '../node/hooks.ts';

/**
 * The one ceremony a screen started (enrollment, invitation), read from the node's list on every change, and
 * the typed error of starting it. `initial` picks one a screen shows again when it reopens while that runs.
 */
export function useCeremony<C extends { readonly id: string }>(list: (node: AuraNodeApi) => readonly C[], initial: string | null = null) {
  const [id, setId] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const ceremony = useNodeQuery((n) => (id === null ? undefined : list(n).find((c) => c.id === id)), [id]);

  /** Runs `start` (a node call that throws typed); true when a ceremony began. */
  function begin(start: () => C): boolean {
    setError(null);
    try {
      setId(start().id);
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  }

  return { ceremony, error, clearError: () => setError(null), begin };
}
