import type { Page } from '@playwright/test';
import type {} from '../../src/node/lab.ts';
export { rawInPage as rawVerifyPut } from '../raw-page.ts';

/* Page-side code has no named functions: tsx's keepNames would call a helper the page does not have. */

type Raw = { __raw?: { pc: RTCPeerConnection; dc: RTCDataChannel }; __rawDone?: Promise<number> };
const FRAME = 16 * 1024;

/**
 * The fact bytes of the channel's journal on page `a` (the node behind the lab handle): how many, and their
 * total size. Kept on the page as `__facts` for `rawBytes`.
 */
export function factsOf(a: Page, channel: string): Promise<{ count: number; bytes: number }> {
  return a.evaluate((ch) => {
    // The lab's node is the AuraNode itself; its journals are not part of the API.
    const node = window.auraLab!.node as unknown as { journals: { fact(c: string): { fact: { ns: string } } | undefined; get(ns: string): { facts: Map<string, { bytes: Uint8Array }> } } };
    const j = node.journals.get(node.journals.fact(ch)!.fact.ns);
    const facts = [...j.facts.values()].map((f) => f.bytes);
    (window as unknown as { __facts: Uint8Array[] }).__facts = facts;
    return { count: facts.length, bytes: facts.reduce((s, f) => s + f.length, 0) };
  }, channel);
}

/**
 * The baseline for the bytes: `a`'s `__facts` packed whole into frames of at most 16 KiB (the sync session's
 * frame size) over a raw RTCDataChannel from `a` to `b` (signalled through the test driver, no relay), with the
 * channel's buffer kept under 4 MiB; ms from the first send until `b` has every byte.
 */
export async function rawBytes(a: Page, b: Page, total: number): Promise<number> {
  const offer = await a.evaluate(async () => {
    const pc = new RTCPeerConnection();
    const dc = pc.createDataChannel('raw', { ordered: true });
    dc.binaryType = 'arraybuffer';
    (window as unknown as Raw).__raw = { pc, dc };
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((r) => (pc.iceGatheringState === 'complete' ? r() : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r())));
    return pc.localDescription!.toJSON();
  });
  const answer = await b.evaluate(
    async ([o, want]) => {
      const pc = new RTCPeerConnection();
      const w = window as unknown as Raw;
      w.__raw = { pc, dc: null as unknown as RTCDataChannel };
      w.__rawDone = new Promise<number>((done) => {
        pc.ondatachannel = (e) => {
          let got = 0;
          e.channel.binaryType = 'arraybuffer';
          e.channel.onmessage = (m) => {
            got += (m.data as ArrayBuffer).byteLength;
            if (got >= Number(want)) done(performance.timeOrigin + performance.now());
          };
        };
      });
      await pc.setRemoteDescription(o as RTCSessionDescriptionInit);
      await pc.setLocalDescription(await pc.createAnswer());
      await new Promise<void>((r) => (pc.iceGatheringState === 'complete' ? r() : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r())));
      return pc.localDescription!.toJSON();
    },
    [offer, total] as const,
  );
  const start = await a.evaluate(
    async ([ans, frame]) => {
      const { pc, dc } = (window as unknown as Raw).__raw!;
      const facts = (window as unknown as { __facts: Uint8Array[] }).__facts;
      await pc.setRemoteDescription(ans as RTCSessionDescriptionInit);
      if (dc.readyState !== 'open') await new Promise((r) => dc.addEventListener('open', r, { once: true }));
      dc.bufferedAmountLowThreshold = 1 << 20;
      const t0 = performance.timeOrigin + performance.now();
      let buf = new Uint8Array(Number(frame));
      let used = 0;
      for (let i = 0; i <= facts.length; i++) {
        const f = facts[i];
        if (used > 0 && (f === undefined || used + f.length > Number(frame))) {
          if (dc.bufferedAmount > 4 << 20) await new Promise((r) => dc.addEventListener('bufferedamountlow', r, { once: true }));
          dc.send(buf.subarray(0, used));
          buf = new Uint8Array(Number(frame));
          used = 0;
        }
        if (f !== undefined) (buf.set(f, used), (used += f.length));
      }
      return t0;
    },
    [answer, FRAME] as const,
  );
  const end = await b.evaluate(() => (window as unknown as Raw).__rawDone!);
  for (const p of [a, b]) await p.evaluate(() => (window as unknown as Raw).__raw!.pc.close());
  return end - start;
}
