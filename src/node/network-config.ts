import { parseVersion, type ProtocolVersion } from '../core/version.ts';

/** Where the relay is, and whether local (ws://, loopback) addresses may be dialled. */
export interface NetworkConfig {
  readonly relay: string;
  readonly allowLocal: boolean;
  /** Lab (local builds only): raw topics to watch as a non-member, from `?observe=<topic>`. */
  readonly observe: readonly string[];
  /** Lab (local builds only): `?path=relayed` keeps peers on the relayed circuit, for comparison. */
  readonly path: 'direct' | 'relayed';
  /** Lab (local builds only): `?protocol=1.0.0` runs this tab as an older protocol version, to show a fence. */
  readonly protocol?: ProtocolVersion;
}

export const DEFAULT_RELAY = '/ip4/127.0.0.1/tcp/9090/ws';

/**
 * `?relay=<multiaddr>` (tests run relays on their own ports) › VITE_AURA_RELAY (set by `npm run dev`) ›
 * the default local relay. Local addresses are allowed in development and in builds made for tests
 * (VITE_AURA_ALLOW_LOCAL=1); a production build keeps libp2p's default gater.
 */
export function networkConfig(url: URL, env: { readonly DEV?: boolean; readonly VITE_AURA_RELAY?: string; readonly VITE_AURA_ALLOW_LOCAL?: string }): NetworkConfig {
  const relay = url.searchParams.get('relay') ?? env.VITE_AURA_RELAY ?? DEFAULT_RELAY;
  const allowLocal = env.DEV === true || env.VITE_AURA_ALLOW_LOCAL === '1';
  const asked = url.searchParams.get('protocol');
  const protocol = allowLocal && asked !== null ? parseVersion(asked) : null;
  return {
    relay,
    allowLocal,
    observe: allowLocal ? url.searchParams.getAll('observe') : [],
    path: allowLocal && url.searchParams.get('path') === 'relayed' ? 'relayed' : 'direct',
    ...(protocol ? { protocol } : {}),
  };
}
