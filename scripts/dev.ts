// `npm run dev [-- --port N --relay-port M]`: the relay and the Vite dev server in one process, so one Ctrl-C
// stops both. The polyfill import must stay first so that Promise.withResolvers exists before libp2p loads.
import '../relay/polyfill.ts';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { ensurePortFree, flagValue, parsePort } from '../relay/port.ts';
import { DEFAULT_RELAY_HOST, DEFAULT_RELAY_PORT, startRelay, type RelayHandle } from '../relay/relay.ts';

const APP_HOST = '127.0.0.1';
const DEFAULT_APP_PORT = 5173;
const projectRoot = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  // A flag wins over its environment variable, as in `npm run relay`.
  const argv = process.argv.slice(2);
  const appPort = parsePort(flagValue(argv, 'port') ?? process.env.AURA_APP_PORT, DEFAULT_APP_PORT, 'app port');
  const relayPort = parsePort(flagValue(argv, 'relay-port') ?? process.env.AURA_RELAY_PORT, DEFAULT_RELAY_PORT);
  const relayHost = process.env.AURA_RELAY_HOST ?? DEFAULT_RELAY_HOST;
  // Both are checked before either server starts, so a taken port stops nothing half-started.
  await ensurePortFree(APP_HOST, appPort, 'AURA_APP_PORT=<free port> (or --port)');
  await ensurePortFree(relayHost, relayPort, 'AURA_RELAY_PORT=<free port> (or --relay-port)');
  const relay = await startRelay({ port: relayPort, host: relayHost });

  // Vite exposes VITE_* variables from process.env to import.meta.env, so this must be set before the
  // server resolves its config. No /p2p/: the app learns the relay's PeerId in the handshake.
  process.env.VITE_AURA_RELAY = relay.address;

  let vite: ViteDevServer;
  try {
    vite = await createServer({
      root: projectRoot,
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
      clearScreen: false,
      server: { host: APP_HOST, port: appPort, strictPort: true },
    });
    await vite.listen();
  } catch (err) {
    await relay.stop();
    throw err;
  }

  const url = vite.resolvedUrls?.local[0] ?? `http://${APP_HOST}:${appPort}/`;
  console.log(`Aura Web: open ${url} (relay ${relay.address})`);

  stopBothOnSignal(vite, relay);
}

function stopBothOnSignal(vite: ViteDevServer, relay: RelayHandle): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the app and the relay`);
    Promise.allSettled([vite.close(), relay.stop()]).then((results) => {
      const failures = results.filter((r) => r.status === 'rejected');
      for (const f of failures) console.error('did not stop cleanly:', f.reason);
      process.exit(failures.length === 0 ? 0 : 1);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
