import { useState } from 'react';
import type { ChannelId } from '../core/ids.ts';
import type { AuraNodeApi } from '../node/api.ts';
import { NodeContext, useNode, useNodeQuery } from '../node/hooks.ts';
import { AppHeader } from './AppHeader.tsx';
import { GroupActions } from './groups/GroupActions.tsx';
import { GuardianNotices } from './guardians/GuardianNotices.tsx';
import { UpdateRequired } from './maintenance/UpdateRequired.tsx';
import { lazyView } from './lazy-view.ts';
import { MainLayout } from './MainLayout.tsx';
import { NetworkStatus } from './NetworkStatus.tsx';
import { Onboarding } from './Onboarding.tsx';
import { PanelOpener } from './PanelOpener.tsx';
import { useOwnName } from './use-own-name.ts';
import { selectChannel } from './use-selected-channel.ts';

// Loaded on the first open, with the account and device screens below it: no first screen needs them.
const DevicePanel = lazyView(async () => (await import('./DevicePanel.tsx')).DevicePanel);
const ContactsPanel = lazyView(async () => (await import('./contacts/ContactsPanel.tsx')).ContactsPanel);
const MaintenancePanel = lazyView(async () => (await import('./maintenance/MaintenancePanel.tsx')).MaintenancePanel);
const LabPanel = lazyView(async () => (await import('./lab/LabPanel.tsx')).LabPanel);

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
  const [contactsOpen, setContactsOpen] = useState(false);
  const [maintenanceOpen, setMaintenanceOpen] = useState(false);
  const [labOpen, setLabOpen] = useState(false);
  const [composerFocus, setComposerFocus] = useState<ChannelId | null>(null);

  // A contact's channel is behind the panel: select it, close the panel, and be ready to write in it.
  function openChannel(id: ChannelId) {
    selectChannel(id);
    setComposerFocus(id);
    setContactsOpen(false);
  }

  return (
    <div className="app">
      <AppHeader
        profile={profile}
        displayName={displayName}
        network={<NetworkStatus />}
        actions={
          <>
            {/* Contacts need an identity: nothing to show, nor to invite with, during onboarding. */}
            {identity !== null ? (
              <PanelOpener testId="open-contacts-panel" open={contactsOpen} onOpen={() => setContactsOpen(true)}>
                Contacts
              </PanelOpener>
            ) : null}
            {/* Groups and proposals need an identity. */}
            {identity !== null ? <GroupActions /> : null}
            <PanelOpener testId="open-device-panel" open={deviceOpen} onOpen={() => setDeviceOpen(true)}>
              Device info
            </PanelOpener>
            {identity !== null ? (
              <PanelOpener testId="open-maintenance-panel" open={maintenanceOpen} onOpen={() => setMaintenanceOpen(true)}>
                Maintenance
              </PanelOpener>
            ) : null}
            {/* The lab shows every tab of this browser, with or without an identity. */}
            <PanelOpener testId="open-lab-panel" open={labOpen} onOpen={() => setLabOpen(true)}>
              Lab
            </PanelOpener>
          </>
        }
      />
      {identity !== null ? <UpdateRequired /> : null}
      {identity !== null ? <GuardianNotices onOpenAccount={() => setDeviceOpen(true)} onOpenContacts={() => setContactsOpen(true)} /> : null}
      {identity === null ? <Onboarding /> : <MainLayout composerFocus={composerFocus} setComposerFocus={setComposerFocus} />}
      {deviceOpen ? <DevicePanel onClose={() => setDeviceOpen(false)} /> : null}
      {maintenanceOpen ? <MaintenancePanel onClose={() => setMaintenanceOpen(false)} /> : null}
      {labOpen ? <LabPanel onClose={() => setLabOpen(false)} /> : null}
      {contactsOpen ? <ContactsPanel onClose={() => setContactsOpen(false)} onOpenChannel={openChannel} /> : null}
    </div>
  );
}
