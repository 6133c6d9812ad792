import type { Page } from '@playwright/test';

/**
 * The baseline: `n` strings of `len` characters over a raw RTCDataChannel from page `a` to page `b` (the same
 * two tabs, signalled through the test driver), milliseconds from the first send until `b` received the last.
 */
export async function rawChannelBurst(a: Page, b: Page, n: number, len: number): Promise<number> {
  const offer = await a.evaluate(async () => {
    const pc = new RTCPeerConnection();
    const dc = pc.createDataChannel('raw', { ordered: true });
    (window as unknown as { __raw: unknown }).__raw = { pc, dc };
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((r) => (pc.iceGatheringState === 'complete' ? r() : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r())));
    return pc.localDescription!.toJSON();
  });
  const answer = await b.evaluate(async ([o, count]) => {
    const pc = new RTCPeerConnection();
    const w = window as unknown as { __rawDone: Promise<number> };
    w.__rawDone = new Promise<number>((done) => {
      pc.ondatachannel = (e) => {
        let got = 0;
        e.channel.onmessage = () => {
          if (++got === count) done(Date.now());
        };
      };
    });
    await pc.setRemoteDescription(o as RTCSessionDescriptionInit);
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise<void>((r) => (pc.iceGatheringState === 'complete' ? r() : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r())));
    return pc.localDescription!.toJSON();
  }, [offer, n] as const);
  const start = await a.evaluate(async ([ans, count, length]) => {
    const { pc, dc } = (window as unknown as { __raw: { pc: RTCPeerConnection; dc: RTCDataChannel } }).__raw;
    await pc.setRemoteDescription(ans as RTCSessionDescriptionInit);
    if (dc.readyState !== 'open') await new Promise((r) => dc.addEventListener('open', r, { once: true }));
    const t0 = Date.now();
    for (let i = 0; i < Number(count); i++) dc.send(`raw-${i}`.padEnd(Number(length), '.'));
    return t0;
  }, [answer, n, len] as const);
  const end = await b.evaluate(() => (window as unknown as { __rawDone: Promise<number> }).__rawDone);
  await a.evaluate(() => (window as unknown as { __raw: { pc: RTCPeerConnection } }).__raw.pc.close());
  return end - start;
}
