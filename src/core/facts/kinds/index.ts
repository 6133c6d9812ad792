import { authorityKinds } from './authority.ts';
import { ceremonyKinds } from './ceremonies.ts';
import { chatKinds } from './chat.ts';
import { consensusKinds } from './consensus.ts';
import { groupKinds } from './groups.ts';
import { guardianKinds } from './guardians.ts';
import type { KindSpec } from './kind-spec.ts';
import { maintenanceKinds } from './maintenance.ts';
import { profileKinds } from './profile.ts';
import { proposalKinds } from './proposals.ts';
import { relationalKinds } from './relational.ts';
import { treeKinds } from './tree.ts';

/** Every kind of fact the system knows. A fact of any other kind is rejected as UnknownKind. */
export const KINDS = {
  ...authorityKinds,
  ...treeKinds,
  ...maintenanceKinds,
  ...relationalKinds,
  ...chatKinds,
  ...profileKinds,
  ...proposalKinds,
  ...ceremonyKinds,
  ...consensusKinds,
  ...groupKinds,
  ...guardianKinds,
} as const;

export type FactKind = keyof typeof KINDS;
export type BodyOf<K extends FactKind> = (typeof KINDS)[K] extends KindSpec<infer B> ? B : never;

export function kindSpec(kind: string): KindSpec<unknown> | undefined {
  return Object.hasOwn(KINDS, kind) ? (KINDS[kind as FactKind] as KindSpec<unknown>) : undefined;
}
