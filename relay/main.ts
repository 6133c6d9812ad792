// `npm run relay [-- --port N]`: run the relay alone. The polyfill import must stay first so that
// Promise.withResolvers exists before libp2p loads.
import './polyfill.ts';
import { DEFAULT_RELAY_HOST, DEFAULT_RELAY_PORT, startRelay } from './relay.ts';
import { ensurePortFree, flagValue, parsePort } from './port.ts';

async function main(): Promise<void> {
  const port = parsePort(flagValue(process.argv.slice(2), 'port') ?? process.env.AURA_RELAY_PORT, DEFAULT_RELAY_PORT);
  const host = process.env.AURA_RELAY_HOST ?? DEFAULT_RELAY_HOST;
  await ensurePortFree(host, port, 'AURA_RELAY_PORT=<free port> (or --port)');
  const relay = await startRelay({ port, host });

  console.log(`Aura relay ${relay.peerId} listening on:`);
  for (const ma of relay.multiaddrs) console.log(`  ${ma}`);
  console.log(`Browsers dial: ${relay.address}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping relay`);
    relay.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('relay did not stop cleanly:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
