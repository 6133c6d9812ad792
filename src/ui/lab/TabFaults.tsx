import { useState, type FormEvent } from 'react';
import { MAX_LATENCY_MS, type LabReport } from '../../node/lab/lab-types.ts';
import { useNode } from '../../node/hooks.ts';
import { tabName } from './lab-graph.ts';

/**
 * One tab's faults, set through that tab's own `node.faults` (a command on the lab channel when it is another
 * tab). Offline and the partition apply on click; latency and loss on Apply. What shows is what the tab reports.
 */
export function TabFaults({ tab, tabs }: { readonly tab: LabReport; readonly tabs: readonly LabReport[] }) {
  const node = useNode();
  const [latency, setLatency] = useState(String(tab.faults.latencyMs));
  const [loss, setLoss] = useState(String(tab.faults.loss / 10));
  const set = node.lab.setFaults.bind(node.lab, tab.device);
  const others = tabs.filter((t) => t.device !== tab.device);
  const block = (peer: string, on: boolean) => set({ blocked: on ? [...tab.faults.blocked, peer] : tab.faults.blocked.filter((d) => d !== peer) });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    set({ latencyMs: Math.min(MAX_LATENCY_MS, Math.max(0, Math.round(Number(latency) || 0))), loss: Math.min(1000, Math.max(0, Math.round((Number(loss) || 0) * 10))) });
  };
  return (
    <div className="lab-faults" data-testid="lab-faults">
      <label>
        <input type="checkbox" data-testid="lab-offline" checked={tab.faults.offline} onChange={(e) => set({ offline: e.target.checked })} /> Offline
      </label>
      {others.length > 0 ? (
        <fieldset className="lab-partition">
          <legend>Partitioned from</legend>
          {others.map((o) => (
            <label key={o.device}>
              <input type="checkbox" data-testid="lab-block" data-peer={o.device} checked={tab.faults.blocked.includes(o.device)} onChange={(e) => block(o.device, e.target.checked)} /> {tabName(tabs, o.device)}
            </label>
          ))}
        </fieldset>
      ) : null}
      <form className="lab-latency" onSubmit={apply}>
        <label>
          Latency (ms) <input className="input" type="number" min={0} max={MAX_LATENCY_MS} step={50} data-testid="lab-latency" value={latency} onChange={(e) => setLatency(e.target.value)} />
        </label>
        <label>
          Loss (%) <input className="input" type="number" min={0} max={100} step={5} data-testid="lab-loss" value={loss} onChange={(e) => setLoss(e.target.value)} />
        </label>
        <button type="submit" className="button" data-testid="lab-apply">
          Apply
        </button>
      </form>
    </div>
  );
}
