import { expect, type Page } from '@playwright/test';

/**
 * The node of a tab, through `window.auraLab` (test builds only), for what a spec needs set up but does not test
 * through the UI: contacts made by the invitation ceremony, proposals with a short expiry, drop counters.
 */
type LabNode = {
  identity(): { authorityId: string } | null;
  deviceInfo(): Promise<{ deviceId: string }>;
  contacts: {
    invite(): { id: string; code: string | null };
    acceptCode(code: string): { id: string };
    ceremonies(): { id: string; presented?: boolean }[];
    accept(id: string): Promise<void>;
    contacts(): { authority: string }[];
  };
  groups: {
    createGroup(name: string, invitees: string[]): Promise<string>;
    invitations(): { context: string }[];
    accept(context: string): Promise<void>;
    groups(): { context: string; ceremony: { state: { type: string } } }[];
  };
  guardians: { wards(): { authority: string; holdsShare: boolean }[] };
  proposals: { propose(context: string, operation: string, args: string[], expiresInMs?: number): Promise<string> };
  network(): { dropped: Record<string, number> };
};
declare const window: { auraLab?: { node: LabNode } };

/** The tab's device id as its node knows it (with or without an identity). */
export const deviceIdOf = (page: Page): Promise<string> => page.evaluate(async () => (await window.auraLab!.node.deviceInfo()).deviceId);

export const authorityOf = (page: Page): Promise<string> => page.evaluate(() => window.auraLab!.node.identity()!.authorityId);

/** Makes two tabs contacts by the invitation ceremony (a invites, b accepts); resolves once both list each other. */
export async function befriend(a: Page, b: Page): Promise<void> {
  const { id, code } = await a.evaluate(() => window.auraLab!.node.contacts.invite());
  await b.evaluate((c) => void window.auraLab!.node.contacts.acceptCode(c), code!);
  await expect
    .poll(() => b.evaluate((i) => window.auraLab!.node.contacts.ceremonies().some((c) => c.id === i && c.presented === true), id), { timeout: 30_000 })
    .toBe(true);
  await b.evaluate((i) => window.auraLab!.node.contacts.accept(i), id);
  const [ida, idb] = [await authorityOf(a), await authorityOf(b)];
  const lists = (p: Page, who: string) => p.evaluate((w) => window.auraLab!.node.contacts.contacts().some((c) => c.authority === w), who);
  await expect.poll(async () => (await lists(a, idb)) && (await lists(b, ida)), { timeout: 30_000 }).toBe(true);
}

/** `owner` makes a group of `members` (its contacts) and each accepts; resolves with its context once all committed. */
export async function groupOf(owner: Page, name: string, members: readonly Page[]): Promise<string> {
  const invitees = await Promise.all(members.map(authorityOf));
  const context = await owner.evaluate(([n, i]) => window.auraLab!.node.groups.createGroup(n, i), [name, invitees] as const);
  for (const m of members) {
    await expect.poll(() => m.evaluate((c) => window.auraLab!.node.groups.invitations().some((i) => i.context === c), context), { timeout: 30_000 }).toBe(true);
    await m.evaluate((c) => window.auraLab!.node.groups.accept(c), context);
  }
  const committed = (p: Page) => p.evaluate((c) => window.auraLab!.node.groups.groups().some((g) => g.context === c && g.ceremony.state.type === 'Committed'), context);
  for (const p of [owner, ...members]) await expect.poll(() => committed(p), { timeout: 60_000 }).toBe(true);
  return context;
}

/** Whom the tab's person guards, and whether this device holds its share of each ward's key. */
export const wardsOf = (page: Page): Promise<{ authority: string; holdsShare: boolean }[]> => page.evaluate(() => window.auraLab!.node.guardians.wards());

/** A proposal made straight through the node (e.g. with a short expiry). */
export const propose = (page: Page, context: string, operation: string, args: string[], expiresInMs?: number): Promise<string> =>
  page.evaluate(([c, o, a, e]) => window.auraLab!.node.proposals.propose(c, o, a, e), [context, operation, args, expiresInMs] as const);

/** How many payloads the tab dropped as sealed under a key it does not hold (`sealed:` reasons). */
export const sealedDrops = (page: Page): Promise<number> =>
  page.evaluate(() => Object.entries(window.auraLab!.node.network().dropped).filter(([k]) => k.startsWith('sealed:')).reduce((n, [, v]) => n + v, 0));
