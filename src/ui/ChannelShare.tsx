import { useState, type KeyboardEvent } from 'react';
import type { ChannelSummary } from '../node/api.ts';
import { useNode } from '../node/hooks.ts';
import { CodeBox } from './CodeBox.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';

interface Props {
  readonly id: string;
  readonly channel: ChannelSummary;
  /** Escape inside the panel closes it (the opener takes focus back). */
  readonly onClose: () => void;
  /** The code is on the clipboard: the panel's job is done. */
  readonly onCopied: () => void;
}

/**
 * The channel's join code. It carries the context secret, so it is read from the node only while this
 * panel is mounted, i.e. after an explicit "Share". Focus moves to the code (selected, ready for Ctrl+C); the
 * panel itself is focusable so that Escape works after a click anywhere in it.
 */
export function ChannelShare({ id, channel, onClose, onCopied }: Props) {
  const node = useNode();
  const [result] = useState(() => {
    try {
      return { code: node.joinCode(channel.id), error: null };
    } catch (err) {
      return { code: null, error: err };
    }
  });
  const [error, setError] = useState<unknown>(result.error);

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    }
  }

  return (
    <div id={id} className="channel-share" data-testid="share-panel" tabIndex={-1} onKeyDown={onKeyDown}>
      {error !== null ? <ErrorAlert error={error} onDismiss={() => setError(null)} /> : null}
      {result.code !== null ? (
        <CodeBox
          code={result.code}
          label={`Join code for #${channel.name}`}
          hint="Anyone with this code can read and write in this channel."
          testId="join-code"
          copyTestId="copy-join-code"
          autoFocus
          onCopied={onCopied}
        />
      ) : null}
    </div>
  );
}
