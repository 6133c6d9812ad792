import { AuraError } from '../errors.ts';

/** Why a fact was refused. Every refusal is one of these; nothing invalid is ever stored. */
export type FactErrorCode =
  | 'Malformed'
  | 'NonCanonical'
  | 'TooLarge'
  | 'BadSignature'
  | 'WrongNamespace'
  | 'UnknownKind';

export class FactValidationError extends AuraError<FactErrorCode> {
  override readonly name = 'FactValidationError';
  constructor(code: FactErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }
}
