import { useNodeQuery } from '../../node/hooks.ts';
import { ModalPanel } from '../ModalPanel.tsx';
import { ConvergenceStatus } from './ConvergenceStatus.tsx';
import { LabChaos } from './LabChaos.tsx';
import { LabContexts } from './LabContexts.tsx';
import { LabMessages } from './LabMessages.tsx';
import { LabSessions } from './LabSessions.tsx';
import { LabTabs } from './LabTabs.tsx';
import { LinkGraph } from './LinkGraph.tsx';

/**
 * The network lab (issue 14): every tab of this browser as it reports itself over `BroadcastChannel('aura-lab')`,
 * whether they have converged, and faults to set on any of them. It affects only this browser's tabs.
 */
export function LabPanel({ onClose }: { readonly onClose: () => void }) {
  const view = useNodeQuery((n) => n.lab.view());
  const drops = Object.entries(view.dropped);
  return (
    <ModalPanel testId="lab-panel" title="Lab" onClose={onClose}>
      <div className="lab">
        <ConvergenceStatus view={view} />
        <LabChaos view={view} />
        <h3 className="panel-subtitle">Tabs and links</h3>
        <LinkGraph tabs={view.tabs} />
        <LabTabs tabs={view.tabs} self={view.self} />
        <h3 className="panel-subtitle">Facts per context</h3>
        <LabContexts tabs={view.tabs} diverged={view.diverged} />
        <h3 className="panel-subtitle">Messages on each tab</h3>
        <LabMessages tabs={view.tabs} />
        <h3 className="panel-subtitle">Sync sessions</h3>
        <LabSessions tabs={view.tabs} />
        {drops.length > 0 ? <p className="muted">Malformed lab messages dropped: {drops.map(([r, n]) => `${r} ${n}`).join(', ')}</p> : null}
      </div>
    </ModalPanel>
  );
}
