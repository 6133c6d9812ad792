/**
 * The base of every typed error: a refusal the caller can count by `code`, as opposed to a bug. Anything
 * thrown while handling a peer's bytes that is not an AuraError is a bug (DESIGN.md §10).
 */
export abstract class AuraError<C extends string = string> extends Error {
  /** Named by each subclass as a literal: class names do not survive minification. */
  abstract override readonly name: string;

  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
