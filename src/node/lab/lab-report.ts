import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from '../../core/encoding/bytes.ts';
import { namespaceId, type Namespace } from '../../core/ids.ts';
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

/** Peers reached through a forwarder: the route in use now, else the member the last forwarded message came through. */
function forwarded(src: ReportSource): LabForwarded[] {
  return src.forwarding.status().peers.flatMap((p) => {
    const via = p.path !== 'direct' && p.path !== null ? p.path : p.lastVia;
    return via === null ? [] : [{ peer: p.device, via, received: p.received }];
  });
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
