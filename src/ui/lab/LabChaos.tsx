import { useState, type FormEvent } from 'react';
import type { LabView } from '../../node/lab/lab-types.ts';
import { useNode } from '../../node/hooks.ts';
import { formatTime } from '../format.ts';

/** "Heal everything", and a chaos run from a seed (shown, so the same run can be repeated) for N seconds. */
export function LabChaos({ view }: { readonly view: LabView }) {
  const node = useNode();
  const [seed, setSeed] = useState(() => String(Math.floor(Math.random() * 1e6)));
  const [seconds, setSeconds] = useState('20');
  const start = (e: FormEvent) => {
    e.preventDefault();
    node.lab.chaos(Math.abs(Math.floor(Number(seed) || 0)), Math.max(1, Math.min(600, Math.floor(Number(seconds) || 1))) * 1000);
  };
  return (
    <div className="lab-chaos">
      <button type="button" className="button" data-testid="lab-heal-all" onClick={() => node.lab.healAll()}>
        Heal everything
      </button>
      <form className="lab-latency" onSubmit={start}>
        <label>
          Seed <input className="input" type="number" min={0} data-testid="lab-chaos-seed" value={seed} onChange={(e) => setSeed(e.target.value)} />
        </label>
        <label>
          Seconds <input className="input" type="number" min={1} max={600} data-testid="lab-chaos-seconds" value={seconds} onChange={(e) => setSeconds(e.target.value)} />
        </label>
        <button type="submit" className="button" data-testid="lab-chaos">
          Chaos
        </button>
      </form>
      {view.chaos ? (
        <p role="status" data-testid="lab-chaos-run" data-seed={view.chaos.seed}>
          Chaos from seed {view.chaos.seed} for {view.chaos.durationMs / 1000} s: everything heals at {formatTime(view.chaos.endsAt)}.
        </p>
      ) : null}
    </div>
  );
}
