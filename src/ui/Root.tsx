import type { Booter } from '../node/boot-api.ts';
import { useBootState } from '../node/hooks.ts';
import { App } from './App.tsx';
import { AppHeader } from './AppHeader.tsx';
import { BootFailed } from './BootFailed.tsx';
import { LockedNotice } from './LockedNotice.tsx';
import { StartingScreen } from './StartingScreen.tsx';
import { TakenOverNotice } from './TakenOverNotice.tsx';
import { UpdatePrompt } from './UpdatePrompt.tsx';

/** Switches on the tab's boot state; only a ready node reaches the app (and NodeContext). */
export function Root({ booter }: { readonly booter: Booter }) {
  const state = useBootState(booter);
  return (
    <>
      {state.status === 'ready' ? (
        <App node={state.node} />
      ) : (
        <div className="app">
          <AppHeader profile={state.profile} />
          <main className="boot-main">
            {state.status === 'starting' ? <StartingScreen profile={state.profile} /> : null}
            {state.status === 'locked' ? <LockedNotice takeOver={state.takeOver} /> : null}
            {state.status === 'taken-over' ? <TakenOverNotice reclaim={state.reclaim} /> : null}
            {state.status === 'failed' ? <BootFailed error={state.error} /> : null}
          </main>
        </div>
      )}
      <UpdatePrompt />
    </>
  );
}
