import type { AuraNodeApi } from './api.ts';

/**
 * Lifecycle of the node that a tab runs for its profile. One live node owns a profile (Web Locks):
 * a second tab sees `locked` and may take over; the tab that lost its lock sees `taken-over`.
 */
export type BootState =
  | { readonly status: 'starting'; readonly profile: string }
  | { readonly status: 'locked'; readonly profile: string; readonly takeOver: () => void }
  | { readonly status: 'taken-over'; readonly profile: string; readonly reclaim: () => void }
  | { readonly status: 'ready'; readonly profile: string; readonly node: AuraNodeApi }
  | { readonly status: 'failed'; readonly profile: string; readonly error: { readonly code: string; readonly message: string } };

export interface Booter {
  readonly state: BootState;
  subscribe(listener: () => void): () => void;
}
