import { webcrypto } from 'node:crypto';
import { measureFrost } from './frost-measure.ts';

/** `npm run bench:consensus` (Node part): FROST step costs in Node (frost-measure.ts); Chromium: frost-page.ts. */
measureFrost('node', Number(process.env.BENCH_ROUNDS ?? 9), (n) => webcrypto.getRandomValues(new Uint8Array(n)));
