import { pureSigner, type Signer } from '../../core/crypto/ed25519.ts';
import type { NodeHost } from './node-host.ts';

const signers = new WeakMap<NodeHost, Signer>();

/** This node's signer for its device key: the injected one (the platform's in a browser), else pure JS; made once. */
export function signerOf(host: NodeHost): Signer {
  let s = signers.get(host);
  if (!s) signers.set(host, (s = host.deps.signer?.(host.key) ?? pureSigner(host.key)));
  return s;
}
