import { AuraError } from '../../core/errors.ts';
import { decodeRendezvousCode, type RendezvousCode } from '../../core/rendezvous/code.ts';
import { isFinished } from '../../core/rendezvous/enrollment.ts';
import type { CeremonyRun, CeremonyRunDeps, RawTopics } from '../../protocols/rendezvous/ceremony-run.ts';
import { NodeError } from '../api.ts';
import { TOPIC_RECIPIENT } from '../../core/flow/send-cost.ts';
import type { NodeHost } from './node-host.ts';

/** Finished ceremonies kept for the Ceremonies list. */
const KEEP_FINISHED = 20;

type Ceremony = { readonly id: string; readonly state: { readonly type: string }; readonly peer: string | null };

/**
 * The rendezvous ceremonies one module runs (enrollments, invitations): running ones by id, the last finished
 * ones for the list, and the deps each run gets from the host (its key, the transport, clock, randomness;
 * every change told to the UI, every drop counted). Ceremonies live in memory: a reload abandons them.
 */
export class CeremonyRuns<C extends Ceremony, R extends CeremonyRun<C, never>> {
  private readonly running = new Map<string, R>();
  private readonly finished: C[] = [];
  private listed: readonly C[] | null = null;

  constructor(private readonly host: NodeHost) {}

  /** Running first (latest started first), then finished, newest first; one array until the next change. */
  list(): readonly C[] {
    this.listed ??= [...[...this.running.values()].reverse().map((r) => r.state), ...this.finished];
    return this.listed;
  }

  get(id: string): R | undefined {
    return this.running.get(id);
  }

  has(id: string): boolean {
    return this.running.has(id);
  }

  get size(): number {
    return this.running.size;
  }

  values(): IterableIterator<R> {
    return this.running.values();
  }

  /** The deps of a run; `run` names it once constructed (its changes are reported from its constructor on). */
  deps(run: () => R): Omit<CeremonyRunDeps<C>, 'code'> {
    const { now, random } = this.host.deps;
    return { key: this.host.key, net: chargedTopics(this.host), now, random, addrs: () => [], changed: () => this.noteChange(run()), dropped: (r) => this.host.countDrop(r) };
  }

  begin(run: R): C {
    this.running.set(run.state.id, run);
    run.start();
    this.noteChange(run);
    return run.state;
  }

  stop(): void {
    for (const r of this.running.values()) r.stop();
    this.running.clear();
  }

  private noteChange(run: R): void {
    this.listed = null;
    if (isFinished(run.state) && this.running.get(run.state.id) === run) {
      this.running.delete(run.state.id);
      this.finished.unshift(run.state);
      this.finished.length = Math.min(this.finished.length, KEEP_FINISHED);
    }
    this.host.changed();
  }
}

/** Raw rendezvous topics, charge-before-send (DESIGN §5): each rendezvous topic pays from its own budget. */
export function chargedTopics(host: NodeHost): RawTopics {
  const transport = host.deps.transport!;
  return {
    subscribeTopic: (topic, handler) => transport.subscribeTopic(topic, handler),
    publishTopic: (topic, payload) => {
      if (!host.charges.charge(topic, [TOPIC_RECIPIENT], 'rendezvous', 1).ok) {
        host.countDrop('rendezvous:InsufficientBudget');
        return Promise.resolve(0);
      }
      return transport.publishTopic(topic, payload);
    },
  };
}

/** A code a person typed or pasted, for `purpose`; anything else is `InvalidCode`, with `notThat` for a code of another purpose. */
export function enteredCode(host: NodeHost, text: string, purpose: RendezvousCode['purpose'], notThat: string): RendezvousCode {
  let code: RendezvousCode;
  try {
    code = decodeRendezvousCode(text.trim(), host.deps.now());
  } catch (e) {
    if (!(e instanceof AuraError)) throw e;
    throw new NodeError('InvalidCode', `That code is not valid (${e.message}).`);
  }
  if (code.purpose !== purpose) throw new NodeError('InvalidCode', notThat);
  return code;
}
