/** A fresh profile name for a new device tab: 'device-' + 6 hex chars from the platform CSPRNG. */
export function newProfileName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  return 'device-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Opens this app in a new tab on a new profile, i.e. a new device with its own database. */
export function openNewDeviceTab(): void {
  window.open(location.pathname + '?profile=' + newProfileName(), '_blank');
}
