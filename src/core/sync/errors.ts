import { AuraError } from '../errors.ts';

/** Why a sync message was refused. Every refusal of bytes from a peer is one of these, never another throw. */
export type SyncErrorCode = 'Malformed' | 'TooLarge' | 'UnsupportedVersion' | 'TooManyRounds';

export class SyncProtocolError extends AuraError<SyncErrorCode> {
  override readonly name = 'SyncProtocolError';
  constructor(code: SyncErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }
}
