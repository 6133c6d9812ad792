import { AuraError } from '../../core/errors.ts';
import type { AuthorityId } from '../../core/ids.ts';
import { decodeRendezvousCode, encodeRendezvousCode, type RendezvousCode } from '../../core/rendezvous/code.ts';
import type { NodeHost } from '../host/node-host.ts';

/** A recovery code this device is taking part in, and (for a followed one) whose guardian it follows as. */
export interface SavedCode {
  readonly code: RendezvousCode;
  readonly ward: AuthorityId | null;
}

/**
 * Recovery codes kept in the store's meta, so that a reload resumes what was running (a code is good for days,
 * and the person holding one should not have to hand out another). What no longer decodes or has expired is
 * skipped: a local record never fails a boot.
 */
export async function loadCodes(host: NodeHost, key: string): Promise<SavedCode[]> {
  const raw = await host.deps.store.getMeta<unknown>(key);
  if (!Array.isArray(raw)) return [];
  const out: SavedCode[] = [];
  for (const r of raw as unknown[]) {
    const { code, ward } = (typeof r === 'object' && r !== null ? r : {}) as { code?: unknown; ward?: unknown };
    if (typeof code !== 'string') continue;
    try {
      const decoded = decodeRendezvousCode(code, host.deps.now());
      if (decoded.purpose === 'recover' && decoded.device !== undefined) out.push({ code: decoded, ward: typeof ward === 'string' ? ward : null });
    } catch (e) {
      if (!(e instanceof AuraError)) throw e;
    }
  }
  return out;
}

/** Saves the list in the background; a failed write is counted (the run goes on, only a reload would lose it). */
export function saveCodes(host: NodeHost, key: string, list: readonly SavedCode[]): void {
  const raw = list.map((s) => ({ code: encodeRendezvousCode(s.code), ward: s.ward }));
  void host.deps.store.setMeta(key, raw).catch(() => host.countDrop('guardians:NotSaved'));
}
