import { ModalPanel } from '../ModalPanel.tsx';
import { BackupSection } from './BackupSection.tsx';
import { CachesSection } from './CachesSection.tsx';
import { SnapshotsSection } from './SnapshotsSection.tsx';
import { StorageSection } from './StorageSection.tsx';
import { UpgradesSection } from './UpgradesSection.tsx';

/**
 * Maintenance (spec 004): storage, and — one section each — snapshots, backup and restore, upgrades, caches.
 * A modal <dialog> like the other panels.
 */
export function MaintenancePanel({ onClose }: { readonly onClose: () => void }) {
  return (
    <ModalPanel testId="maintenance-panel" title="Maintenance" onClose={onClose}>
      <StorageSection />
      <SnapshotsSection />
      <BackupSection />
      <UpgradesSection />
      <CachesSection />
    </ModalPanel>
  );
}
