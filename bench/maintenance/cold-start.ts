import { chromium } from '@playwright/test';
import playwrightConfig from '../../playwright.config.ts';
import { report } from '../report.ts';
import { coldStart } from '../store/cold-start.ts';

/**
 * `npm run bench:snapshot`: cold start to the first channel rendered with a journal of N facts (10 000 and
 * 100 000, or BENCH_FACTS="a,b"), first as every fact (the baseline), then — in the same run, same browser —
 * from a snapshot of the channel plus its tail; and the bytes the journal takes before and after the snapshot.
 */
async function main(): Promise<void> {
  const sizes = (process.env.BENCH_FACTS ?? '10000,100000').split(',').map(Number);
  const launch = playwrightConfig.use?.launchOptions ?? {};
  const browser = await chromium.launch({ executablePath: launch.executablePath ?? '/usr/bin/chromium', args: launch.args ?? [] });
  try {
    console.error(browser.version());
    for (const facts of sizes) {
      const full = await coldStart(browser, { facts, loads: 5 });
      const snap = await coldStart(browser, { facts, loads: 5, snapshot: true });
      report(`snapshot.coldStart.full.${facts}`, full.channel, 'ms');
      report(`snapshot.coldStart.fromSnapshot.${facts}`, snap.channel, 'ms');
      report(`snapshot.coldStart.ratio.${facts}`, snap.channel / full.channel, 'x');
      report(`snapshot.coldStart.firstMessage.fromSnapshot.${facts}`, snap.messages, 'ms');
      const n = (k: string) => Number(snap.seeded[k] ?? NaN);
      report(`snapshot.factBytes.before.${facts}`, n('bytesBefore'), 'B');
      report(`snapshot.factBytes.after.${facts}`, n('bytesAfter'), 'B');
      report(`snapshot.idbUsage.before.${facts}`, n('usageBefore'), 'B');
      report(`snapshot.idbUsage.afterPrune.${facts}`, n('usageAfter'), 'B');
      report(`snapshot.idbUsage.afterLoads.${facts}`, snap.usageAfterLoads, 'B');
      report(`snapshot.idbUsage.fullAfterLoads.${facts}`, full.usageAfterLoads, 'B');
    }
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
