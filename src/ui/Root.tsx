import { lazy, Suspense, type ReactNode } from 'react';
import type { Booter } from '../node/boot-api.ts';
import { useBootState } from '../node/hooks.ts';
import { AppHeader } from './AppHeader.tsx';
import { BootFailed } from './BootFailed.tsx';
import { loadApp } from './load-app.ts';
import { LockedNotice } from './LockedNotice.tsx';
import { StartingScreen } from './StartingScreen.tsx';
import { TakenOverNotice } from './TakenOverNotice.tsx';
import { UpdatePrompt } from './UpdatePrompt.tsx';

const App = lazy(async () => ({ default: (await loadApp()).App }));

/** Switches on the tab's boot state; only a ready node reaches the app (and NodeContext). */
export function Root({ booter }: { readonly booter: Booter }) {
  const state = useBootState(booter);
  const shell = (screen: ReactNode) => (
    <div className="app">
      <AppHeader profile={state.profile} />
      <main className="boot-main">{screen}</main>
    </div>
  );
  return (
    <>
      {state.status === 'ready' ? (
        <Suspense fallback={shell(<StartingScreen profile={state.profile} />)}>
          <App node={state.node} />
        </Suspense>
      ) : (
        shell(
          <>
            {state.status === 'starting' ? <StartingScreen profile={state.profile} /> : null}
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
