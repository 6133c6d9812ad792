import type { ReactNode } from 'react';
import { NewDeviceTabButton } from './NewDeviceTabButton.tsx';

interface Props {
  readonly profile: string;
  readonly displayName?: string | null;
  /** The ready app's network summary; its own slot so it can wrap to a line of its own on narrow screens. */
  readonly network?: ReactNode;
  /** Extra header actions of the ready app (e.g. the device panel button). */
  readonly actions?: ReactNode;
}

/** App name, which profile this tab is, who you are in it, and the way to a new device tab — in every state. */
export function AppHeader({ profile, displayName, network, actions }: Props) {
  return (
    <header className="app-header">
      <h1 className="app-title">Aura Web</h1>
      <p className="app-who">
        <span className="app-profile">
          <span className="sr-only">Profile </span>
          <span data-testid="profile-name">{profile}</span>
        </span>
        {displayName ? (
          <span className="app-identity">
            <span className="sr-only">, signed in as </span>
            <span data-testid="identity-name" dir="auto">{displayName}</span>
          </span>
        ) : null}
      </p>
      {network}
      <div className="app-actions">
        {actions}
        <NewDeviceTabButton />
      </div>
    </header>
  );
}
