/** A fresh profile name for a new device tab: 'device-' + 6 hex chars from the platform CSPRNG. */
export function newProfileName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  return 'device-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** This page's address for a new profile: every other option (`?relay=`, `?path=`) kept, so the tabs meet. */
export function newDeviceTabUrl(href: string, profile: string): string {
  const url = new URL(href);
  url.searchParams.set('profile', profile);
  url.hash = '';
  return url.pathname + url.search;
}

/** Opens this app in a new tab on a new profile, i.e. a new device with its own database. */
export function openNewDeviceTab(): void {
  window.open(newDeviceTabUrl(location.href, newProfileName()), '_blank');
}
