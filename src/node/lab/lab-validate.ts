import { MAX_LATENCY_MS, type LabContext, type LabFaults, type LabForwarded, type LabMessage, type LabReport, type LabSession, type LabWire } from './lab-types.ts';

/**
 * Another tab's lab message is input like any other: checked field by field, bounded, and rebuilt from what was
 * checked (nothing else of the object survives). A bad one is a typed drop with its reason, never an exception.
 */
export type Parsed = { readonly ok: true; readonly value: LabWire } | { readonly ok: false; readonly reason: string };

/** Bounds: more is junk, not a tab of this app (a tab holds tens of contexts, reports its last 30 messages each). */
const MAX_ID = 200;
const MAX_TEXT = 500;
const MAX_LIST = 2_000;

class Bad extends Error {}
const bad = (reason: string): never => {
  throw new Bad(reason);
};

const record = (x: unknown, what: string): Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : bad(what);
const str = (x: unknown, what: string, max = MAX_ID): string => (typeof x === 'string' && x.length <= max ? x : bad(what));
const bool = (x: unknown, what: string): boolean => (typeof x === 'boolean' ? x : bad(what));
const int = (x: unknown, what: string, max: number, min = 0): number =>
  typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max ? x : bad(what);
const list = <T>(x: unknown, what: string, item: (v: unknown) => T): T[] =>
  Array.isArray(x) && x.length <= MAX_LIST ? x.map(item) : bad(what);
const oneOf = <T extends string>(x: unknown, what: string, values: readonly T[]): T => (values.includes(x as T) ? (x as T) : bad(what));

function faultsPatch(x: unknown): Partial<LabFaults> {
  const r = record(x, 'faults');
  return {
    ...(r.offline !== undefined ? { offline: bool(r.offline, 'faults.offline') } : {}),
    ...(r.blocked !== undefined ? { blocked: list(r.blocked, 'faults.blocked', (d) => str(d, 'faults.blocked')) } : {}),
    ...(r.latencyMs !== undefined ? { latencyMs: int(r.latencyMs, 'faults.latencyMs', MAX_LATENCY_MS) } : {}),
    ...(r.loss !== undefined ? { loss: int(r.loss, 'faults.loss', 1000) } : {}),
  };
}

function faults(x: unknown): LabFaults {
  const p = faultsPatch(x);
  if (p.offline === undefined || p.blocked === undefined || p.latencyMs === undefined || p.loss === undefined) return bad('faults');
  return { offline: p.offline, blocked: p.blocked, latencyMs: p.latencyMs, loss: p.loss };
}

function context(x: unknown): LabContext {
  const r = record(x, 'contexts');
  return {
    context: str(r.context, 'contexts.context'),
    name: r.name === null ? null : str(r.name, 'contexts.name', MAX_TEXT),
    facts: int(r.facts, 'contexts.facts', Number.MAX_SAFE_INTEGER),
    digest: str(r.digest, 'contexts.digest'),
  };
}

function message(x: unknown): LabMessage {
  const r = record(x, 'messages');
  return {
    channel: str(r.channel, 'messages.channel'),
    id: str(r.id, 'messages.id'),
    author: str(r.author, 'messages.author', MAX_TEXT),
    text: str(r.text, 'messages.text', MAX_TEXT),
    own: bool(r.own, 'messages.own'),
    status: str(r.status, 'messages.status'),
  };
}

function forward(x: unknown): LabForwarded {
  const r = record(x, 'forwarded');
  return {
    peer: str(r.peer, 'forwarded.peer'),
    via: str(r.via, 'forwarded.via'),
    received: int(r.received, 'forwarded.received', Number.MAX_SAFE_INTEGER),
    receipts: int(r.receipts, 'forwarded.receipts', Number.MAX_SAFE_INTEGER),
  };
}

function session(x: unknown): LabSession {
  const r = record(x, 'sessions');
  return {
    peer: str(r.peer, 'sessions.peer'),
    context: str(r.context, 'sessions.context'),
    state: str(r.state, 'sessions.state'),
    detail: str(r.detail, 'sessions.detail'),
  };
}

function report(r: Record<string, unknown>): LabReport {
  const id = r.identity === null ? null : record(r.identity, 'identity');
  return {
    v: 1,
    type: 'report',
    device: str(r.device, 'device'),
    profile: str(r.profile, 'profile'),
    identity: id === null ? null : { authority: str(id.authority, 'identity.authority'), name: str(id.name, 'identity.name', MAX_TEXT) },
    relay: oneOf(r.relay, 'relay', ['disconnected', 'connecting', 'connected'] as const),
    links: list(r.links, 'links', (l) => {
      const o = record(l, 'links');
      return { peer: str(o.peer, 'links.peer'), transport: oneOf(o.transport, 'links.transport', ['direct', 'relayed'] as const) };
    }),
    faults: faults(r.faults),
    forwarded: list(r.forwarded, 'forwarded', forward),
    contexts: list(r.contexts, 'contexts', context),
    messages: list(r.messages, 'messages', message),
    sessions: list(r.sessions, 'sessions', session),
  };
}

export function parseLabWire(x: unknown): Parsed {
  try {
    const r = record(x, 'shape');
    if (r.v !== 1) return { ok: false, reason: 'version' };
    switch (r.type) {
      case 'report':
        return { ok: true, value: report(r) };
      case 'faults':
        return { ok: true, value: { v: 1, type: 'faults', to: str(r.to, 'to'), patch: faultsPatch(r.patch) } };
      case 'heal':
        return { ok: true, value: { v: 1, type: 'heal' } };
      default:
        return { ok: false, reason: 'type' };
    }
  } catch (e) {
    if (e instanceof Bad) return { ok: false, reason: e.message };
    throw e;
  }
}
