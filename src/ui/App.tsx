import { useState } from 'react';
import type { AuraNodeApi } from '../node/api.ts';
import { NodeContext, useNode, useNodeQuery } from '../node/hooks.ts';
import { AppHeader } from './AppHeader.tsx';
import { lazyView } from './lazy-view.ts';
import { MainLayout } from './MainLayout.tsx';
import { NetworkStatus } from './NetworkStatus.tsx';
import { Onboarding } from './Onboarding.tsx';
import { useOwnName } from './use-own-name.ts';

// Loaded on the first open, with the account and device screens below it: no first screen needs them.
const DevicePanel = lazyView(async () => (await import('./DevicePanel.tsx')).DevicePanel);

/** The app of a ready node: provides the node to every view below. */
export function App({ node }: { readonly node: AuraNodeApi }) {
  return (
    <NodeContext.Provider value={node}>
      <Workspace />
    </NodeContext.Provider>
  );
}

function Workspace() {
  const identity = useNodeQuery((n) => n.identity());
  const displayName = useOwnName();
  const { profile } = useNode();
  const [deviceOpen, setDeviceOpen] = useState(false);
  return (
    <div className="app">
      <AppHeader
        profile={profile}
        displayName={displayName}
        network={<NetworkStatus />}
        actions={
          <button
            type="button"
            className="button"
            data-testid="open-device-panel"
            aria-haspopup="dialog"
            aria-expanded={deviceOpen}
            onClick={() => setDeviceOpen(true)}
          >
            Device info
          </button>
        }
      />
      {identity === null ? <Onboarding /> : <MainLayout />}
      {deviceOpen ? <DevicePanel onClose={() => setDeviceOpen(false)} /> : null}
    </div>
  );
}
