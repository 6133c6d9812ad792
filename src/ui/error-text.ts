import { BackupError, type BackupErrorCode } from '../core/backup/errors.ts';
import { NodeError, type NodeErrorCode } from '../node/api.ts';

/** What the person is told for each typed write failure; the node's own message is for developers. */
const SENTENCES: Record<NodeErrorCode, (e: NodeError) => string> = {
  NoIdentity: () => 'Create an identity on this device first.',
  IdentityExists: () => 'This profile already has an identity.',
  UnknownChannel: () => 'This channel is not known on this device.',
  AuthorizationDenied: () => 'You are not allowed to do that here.',
  InsufficientBudget: (e) =>
    e.resumeAt === undefined
      ? 'You have used up your sending budget for now. Try again later.'
      : `You have used up your sending budget for this channel. Sending can resume at ${new Date(e.resumeAt).toLocaleTimeString()}, when the budget epoch rotates (epoch ${e.resumeAtEpoch}).`,
  JournalCommitFailed: () => 'The change could not be written to this device’s journal. Nothing was saved — try again.',
  StorageQuotaExceeded: () =>
    'This browser has no storage left for the app. Free some space (for example, remove old profiles) and try again.',
  StorageFailed: () => 'The browser’s storage failed. Nothing was saved — try again, or reload the tab.',
  UnknownGroup: () => 'That group is not on this device (or its invitation has expired).',
  NotAContact: () => 'A group is made of your contacts: add them as contacts first.',
  NotAMember: () => 'You are not a member of that group.',
  InvalidInput: (e) => `That input is not accepted: ${e.message}`,
  InvalidJoinCode: () => 'That join code is not valid. Copy the whole code, starting with “aura-join:”, and try again.',
  ContextConflict: () =>
    'That code names a channel already on this device, but with a different key — it may be forged. It was not used, and the channel is unchanged.',
  DeviceRemoved: () => 'This device was removed from your account on another device. It can still show what it has, but it can no longer write.',
  InvalidCode: (e) => `That code cannot be used: ${codeProblem(e.message)}. Ask whoever gave it to you for a new one.`,
  CeremonyRunning: () => 'That is already under way on this device. Finish or cancel it first.',
  Offline: () => 'This needs the network, and this tab is offline.',
  NoWitnessGroup: () => 'A snapshot needs the witnesses of at least two members; this channel has only you.',
  NothingToSnapshot: () => 'Nothing new to snapshot yet: try again in a few seconds.',
  NodeClosed: () => 'This tab no longer runs the node for this profile. Reclaim it or reload the tab.',
};

/** Why a backup file was refused, for the person holding it: what to do next, and that nothing changed. */
const BACKUP_SENTENCES: Record<BackupErrorCode, string> = {
  WrongPassphrase: 'That passphrase does not open this backup. Nothing was restored — check it and try again.',
  Truncated: 'This backup file is incomplete (the download or copy was cut short). Nothing was restored.',
  Malformed: 'This is not an Aura backup file, or it is damaged. Nothing was restored.',
  UnsupportedVersion: 'This backup was made by a newer version of Aura. Update the app, then restore it. Nothing was restored.',
  Tampered: 'This backup file was changed or damaged after it was made. Nothing was restored.',
  TooLarge: 'This file is too large to be an Aura backup. Nothing was restored.',
  InvalidFact: 'This backup holds data whose signatures do not check out — it may have been tampered with. Nothing was restored.',
  Inconsistent: 'This backup does not hold a whole identity. Nothing was restored.',
};

/**
 * The node's reason for refusing a code, as a clause: enrollment and invitation codes share these messages
 * ("That code is not valid (this code has expired: ask for a new one).", "That code is not an invitation.").
 */
function codeProblem(message: string): string {
  const why = message
    .replace(/^That code is not valid \((.*)\)\.$/, '$1')
    .replace(/: ask for a new one$/, '')
    .replace(/\.$/, '');
  return why.charAt(0).toLowerCase() + why.slice(1);
}

export function errorText(err: unknown): string {
  if (err instanceof NodeError) return SENTENCES[err.code](err);
  if (err instanceof BackupError) return BACKUP_SENTENCES[err.code];
  const detail = err instanceof Error ? err.message : String(err);
  return `Something went wrong: ${detail}`;
}

/** The typed code, for markup that tests and styles key on; null for anything that is not a NodeError or BackupError. */
export function errorCode(err: unknown): string | null {
  return err instanceof NodeError || err instanceof BackupError ? err.code : null;
}
