import { AuraError } from '../errors.ts';

/**
 * Why a forwarded message or its receipt chain was refused; the receiver counts `forward:<code>`.
 * `MissingHop`: the chain does not run unbroken from the origin to the device it arrived from.
 * `Uncharged`: a hop's signed budget figures do not show the charge (spent not above what it showed before).
 */
export type ForwardErrorCode =
  | 'Malformed'
  | 'TooLarge'
  | 'TooManyHops'
  | 'MissingHop'
  | 'BadSignature'
  | 'WrongContext'
  | 'WrongMessage'
  | 'WrongDestination'
  | 'NotMember'
  | 'OldEpoch'
  | 'FutureEpoch'
  | 'WrongCost'
  | 'Uncharged'
  | 'Replay'
  | 'NoRoute'
  | 'Busy'
  | 'Overloaded';

export class ForwardError extends AuraError<ForwardErrorCode> {
  override readonly name = 'ForwardError';
  constructor(code: ForwardErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }
}
