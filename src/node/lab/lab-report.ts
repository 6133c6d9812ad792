import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from '../../core/encoding/bytes.ts';
import { namespaceId, type Namespace } from '../../core/ids.ts';
import { listForwards } from '../../core/reduce/relational.ts';
import type { AuraNodeApi } from '../api.ts';
import type { NodeHost } from '../host/node-host.ts';
import { NO_FAULTS } from '../../net/faults.ts';
import type { FaultsApi } from './faults-module.ts';
import type { LabContext, LabForwarded, LabMessage, LabReport, LabSession } from './lab-types.ts';

/** What a tab's report is read from: the host's journals and the node's own queries. */
export type ReportSource = Pick<NodeHost, 'journals' | 'cached' | 'identity'> &
  Pick<AuraNodeApi, 'profile' | 'network' | 'syncMetrics' | 'channels' | 'messages' | 'names' | 'forwarding'> & { readonly key: { readonly deviceId: string } };

/** The newest messages per channel a report carries: the lab compares recent statuses, not whole histories. */
export const REPORT_MESSAGES = 30;
const REPORT_SESSIONS = 12;

/** The digest of a journal's fact ids: every fact held, and every message a snapshot compacted. */
export function factDigest(ids: Iterable<string>): string {
  return toHex(sha256(utf8.encode([...ids].sort().join('\n')))).slice(0, 32);
}

function contexts(src: ReportSource): LabContext[] {
  const names = new Map(src.channels().data.map((c) => [c.context, c.name]));
  return src.journals.namespaces().map((ns: Namespace) => {
    const j = src.journals.get(ns)!;
    const ids = new Set([...j.facts.keys(), ...j.state.chat.messageIds]);
    return { context: ns, name: names.get(namespaceId(ns)) ?? null, facts: ids.size, digest: factDigest(ids) };
  });
}

function messages(src: ReportSource): LabMessage[] {
  return src.channels().data.flatMap((c) =>
    src.messages(c.id, REPORT_MESSAGES).data.map((m) => ({ channel: c.name, id: m.id, author: m.authorName, text: m.text.slice(0, 200), own: m.own, status: m.indicator })),
  );
}

function sessions(src: ReportSource): LabSession[] {
  const m = src.syncMetrics();
  if (!m) return [];
  const running = m.running.map((r) => ({ peer: r.peer, context: r.context, state: 'running', detail: `${r.done}/${r.total} facts` }));
  const recent = m.recent
    .slice(0, REPORT_SESSIONS)
    .map((o) => ({ peer: o.peer, context: o.context, state: o.ok ? 'ok' : (o.failure ?? o.error ?? 'failed').slice(0, 200), detail: `+${o.factsIn} in · ${o.factsOut} out` }));
  return [...running, ...recent];
}

const routeKey = (peer: string, via: string) => JSON.stringify([peer, via]);

/** The `receipt.forward` facts this tab holds of chains that reached it, counted by (origin, last forwarder). */
function receiptsKept(src: ReportSource): Map<string, number> {
  const out = new Map<string, number>();
  for (const ns of src.journals.namespaces()) {
    for (const f of listForwards(src.journals.get(ns)!.state.relational)) {
      const via = f.via[f.via.length - 1];
      if (f.receiver !== src.key.deviceId || via === undefined) continue;
      const k = routeKey(f.origin, via);
      out.set(k, (out.get(k) ?? 0) + 1);
    }
  }
  return out;
}

/**
 * Peers reached through a forwarder now (the route in use; none once the direct link is back), with the
 * forwarded messages accepted from them and the receipt facts kept of those chains.
 */
function forwarded(src: ReportSource): LabForwarded[] {
  const kept = src.cached('lab:receipts', () => receiptsKept(src));
  return src.forwarding.status().peers.flatMap((p) =>
    p.path === 'direct' || p.path === null ? [] : [{ peer: p.device, via: p.path, received: p.received, receipts: kept.get(routeKey(p.device, p.path)) ?? 0 }],
  );
}

/** This tab's report. The journal part is cached until the reduced data changes; links, faults and sync are read fresh. */
export function buildReport(src: ReportSource, faults: FaultsApi | undefined): LabReport {
  const me = src.identity();
  const net = src.network();
  const data = src.cached('lab:report', () => ({ contexts: contexts(src), messages: messages(src) }));
  const f = faults?.status() ?? NO_FAULTS;
  return {
    v: 1,
    type: 'report',
    device: src.key.deviceId,
    profile: src.profile,
    identity: me && { authority: me.authorityId, name: src.names.nameOf(me.authorityId) },
    relay: net.relay,
    links: net.peers.map((p) => ({ peer: p.deviceId, transport: p.transport === 'relayed' ? 'relayed' : 'direct' })),
    faults: { offline: f.offline, blocked: [...f.blocked], latencyMs: f.latencyMs, loss: f.loss },
    forwarded: forwarded(src),
    ...data,
    sessions: sessions(src),
  };
}
