import type { DeviceId } from '../ids.ts';
import type { ContextMembers } from '../reduce/membership.ts';

/** A device some current member proved to be its own, and not one the context excludes (a removed member's). */
export function isMemberDevice(m: ContextMembers, device: DeviceId): boolean {
  if (m.excluded?.has(device)) return false;
  for (const devices of m.devices.values()) if (devices.has(device)) return true;
  return false;
}
