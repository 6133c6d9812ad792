import { useState } from 'react';

/**
 * One user-triggered node write: ignores repeats while it runs, keeps its error to show inline, and
 * reports whether it succeeded so the caller can clear its input only then (a failed write keeps the draft).
 */
export function useAction<A extends unknown[]>(write: (...args: A) => Promise<unknown>) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function run(...args: A): Promise<boolean> {
    if (pending) return false;
    setPending(true);
    setError(null);
    try {
      await write(...args);
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setPending(false);
    }
  }
  return { pending, error, clearError: () => setError(null), run };
}
