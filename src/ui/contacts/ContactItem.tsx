import type { ChannelId } from '../../core/ids.ts';
import type { ContactView } from '../../node/api.ts';
import { deviceFingerprint } from '../devices/CeremonyStepper.tsx';
import { formatDateTime } from '../format.ts';
import { PetnameForm } from './PetnameForm.tsx';

/**
 * One contact: the name this device gave it (else its own), the fingerprint both sides show (to compare out
 * of band), its devices, the two's channel and since when.
 */
export function ContactItem({ contact, onOpenChannel }: { readonly contact: ContactView; readonly onOpenChannel: (id: ChannelId) => void }) {
  const { channel } = contact;
  return (
    <li className="contact" data-testid="contact" data-authority={contact.authority}>
      <h4 dir="auto" data-testid="contact-name">
        {contact.petname ?? contact.displayName}
      </h4>
      {contact.petname !== null ? (
        <p className="hint">
          Calls themselves <bdi data-testid="contact-display-name">{contact.displayName}</bdi>
        </p>
      ) : null}
      <dl className="device-facts">
        <dt>Fingerprint</dt>
        <dd className="id" data-testid="contact-fingerprint">
          {contact.fingerprint}
        </dd>
        <dt>Devices</dt>
        <dd className="id" data-testid="contact-devices">
          {contact.devices.length === 0 ? 'not known here yet' : contact.devices.map(deviceFingerprint).join(', ')}
        </dd>
        <dt>Contact since</dt>
        <dd data-testid="contact-since">{formatDateTime(contact.since)}</dd>
      </dl>
      <PetnameForm contact={contact} />
      {channel !== null ? (
        <button type="button" className="button" data-testid="open-contact-channel" onClick={() => onOpenChannel(channel)}>
          Open your channel
          {/* Every contact has this button: its name says whose channel it opens. */}
          <span className="sr-only">
            {' '}
            with <bdi>{contact.petname ?? contact.displayName}</bdi>
          </span>
        </button>
      ) : (
        <p className="hint" data-testid="contact-channel-pending">
          Your shared channel is on its way from their device.
        </p>
      )}
    </li>
  );
}
