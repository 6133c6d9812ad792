/** Why a sync message was refused. Every refusal of bytes from a peer is one of these, never another throw. */
export type SyncErrorCode = 'Malformed' | 'TooLarge' | 'UnsupportedVersion' | 'TooManyRounds';

export class SyncProtocolError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'SyncProtocolError';
  }
}
