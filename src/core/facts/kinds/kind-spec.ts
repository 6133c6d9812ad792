import type { Schema } from '../schema.ts';

/** Where a kind of fact may live: an authority's own journal, a relational context, or either. */
export type NamespaceRule = 'authority' | 'context' | 'any';

export interface KindSpec<B> {
  readonly ns: NamespaceRule;
  readonly body: Schema<B>;
}

export function kind<B>(ns: NamespaceRule, body: Schema<B>): KindSpec<B> {
  return { ns, body };
}
