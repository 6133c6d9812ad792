import type { ComponentType, ReactNode } from 'react';
import type { AuraNodeApi } from '../node/api.ts';
import type { Booter } from '../node/boot-api.ts';
import { useBootState } from '../node/hooks.ts';
import { AppHeader } from './AppHeader.tsx';
import { BootFailed } from './BootFailed.tsx';
import { LockedNotice } from './LockedNotice.tsx';
import { StartingScreen } from './StartingScreen.tsx';
import { TakenOverNotice } from './TakenOverNotice.tsx';
import { UpdatePrompt } from './UpdatePrompt.tsx';

/** The ready app's views (`App.tsx`), a chunk of their own that main.tsx loads beside the node's code. */
export type AppView = ComponentType<{ readonly node: AuraNodeApi }>;

interface Props {
  readonly booter: Booter;
  /** Null until its chunk has loaded, which is always before the node is ready. */
  readonly app: AppView | null;
}

/** Switches on the tab's boot state; only a ready node reaches the app (and NodeContext). */
export function Root({ booter, app: App }: Props) {
  const state = useBootState(booter);
  const shell = (screen: ReactNode) => (
    <div className="app">
      <AppHeader profile={state.profile} />
      <main className="boot-main">{screen}</main>
    </div>
  );
  return (
    <>
      {state.status === 'ready' && App !== null ? (
        <App node={state.node} />
      ) : (
        shell(
          <>
            {state.status === 'starting' || state.status === 'ready' ? <StartingScreen profile={state.profile} /> : null}
            {state.status === 'locked' ? <LockedNotice takeOver={state.takeOver} /> : null}
            {state.status === 'taken-over' ? <TakenOverNotice reclaim={state.reclaim} /> : null}
            {state.status === 'failed' ? <BootFailed error={state.error} /> : null}
          </>,
        )
      )}
      <UpdatePrompt />
    </>
  );
}
