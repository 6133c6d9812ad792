import type { AuraNodeApi } from './api.ts';

/**
 * The lab handle: in builds that allow local networking (development, tests, benchmarks) the running
 * node is reachable as `window.auraLab.node`, so benchmarks can drive it without the UI's own latency.
 * Production builds never set it.
 */
export interface AuraLab {
  readonly node: AuraNodeApi;
}

declare global {
  interface Window {
    auraLab?: AuraLab;
  }
}
