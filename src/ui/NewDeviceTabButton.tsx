import { openNewDeviceTab } from './new-profile-name.ts';

/** One click to a new device: a new tab on a fresh profile (DESIGN.md §6). */
export function NewDeviceTabButton() {
  return (
    <button type="button" className="button" data-testid="new-device-tab" onClick={openNewDeviceTab}>
      New device tab
    </button>
  );
}
