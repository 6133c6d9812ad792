/**
 * Waits for `body` and for the transaction to commit. idb's `tx.done` rejects when the transaction aborts;
 * awaiting both together reports the first failure and never leaves that rejection unhandled.
 */
export async function inTransaction<T>(tx: { readonly done: Promise<void> }, body: Promise<T>): Promise<T> {
  const [value] = await Promise.all([body, tx.done]);
  return value;
}
