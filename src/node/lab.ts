import type { BodyOf } from '../core/facts/kinds/index.ts';
import { namespaceId, type ChannelId, type FactId } from '../core/ids.ts';
import type { AuraNodeApi } from './api.ts';
import { NodeError } from './api.ts';
import type { AuraNode } from './aura-node.ts';
import { draft } from './host/draft.ts';

/** A channel setting a lab test may force past this node's own checks. */
type Forgeable = 'chat.rename' | 'chat.topic';

/**
 * The lab handle: in builds that allow local networking (development, tests, benchmarks) the running
 * node is reachable as `window.auraLab.node`, so benchmarks can drive it without the UI's own latency.
 * Production builds never set it.
 */
export interface AuraLab {
  readonly node: AuraNodeApi;
  /**
   * Writes a channel setting with no local rights check and publishes it, as a modified client would: only
   * the receivers' authorization rule stands in its way (`e2e/rights.spec.ts`).
   */
  forge<K extends Forgeable>(channel: ChannelId, kind: K, body: BodyOf<K>): Promise<FactId>;
}

export function labOf(node: AuraNode): AuraLab {
  return {
    node,
    async forge(channel, kind, body) {
      const ns = node.journals.fact(channel)?.fact.ns;
      if (ns === undefined) throw new NodeError('UnknownChannel', 'This channel is not on this device.');
      const me = node.requireIdentity().authorityId;
      const fact = draft(node, ns, kind, body);
      // A view granting the lab its own right, announced on the topic: nothing here judges the fact.
      await node.write({ context: namespaceId(ns), facts: [fact], membership: { context: namespaceId(ns), rights: new Map([[me, new Set(['lab:forge'])]]) }, right: 'lab:forge', announce: true });
      return fact.id;
    },
  };
}

declare global {
  interface Window {
    auraLab?: AuraLab;
  }
}
