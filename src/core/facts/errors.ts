/** Why a fact was refused. Every refusal is one of these; nothing invalid is ever stored. */
export type FactErrorCode =
  | 'Malformed'
  | 'NonCanonical'
  | 'TooLarge'
  | 'BadSignature'
  | 'WrongNamespace'
  | 'UnknownKind';

export class FactValidationError extends Error {
  constructor(
    readonly code: FactErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'FactValidationError';
  }
}
