import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { ChannelSummary } from '../node/api.ts';
import { useNode } from '../node/hooks.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

/** How long "Copied" stays up, in ms. */
const COPIED_FOR = 2000;

type Copy = 'idle' | 'copied' | 'manual';

interface Props {
  readonly id: string;
  readonly channel: ChannelSummary;
  /** Escape inside the panel closes it (the opener takes focus back). */
  readonly onClose: () => void;
}

/**
 * The channel's join code. It carries the context secret, so it is read from the node only while this
 * panel is mounted, i.e. after an explicit "Share".
 */
export function ChannelShare({ id, channel, onClose }: Props) {
  const node = useNode();
  const area = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();
  const [result] = useState(() => {
    try {
      return { code: node.joinCode(channel.id), error: null };
    } catch (err) {
      return { code: null, error: err };
    }
  });
  const [error, setError] = useState<unknown>(result.error);
  const [copy, setCopy] = useState<Copy>('idle');

  useEffect(() => {
    if (copy !== 'copied') return;
    const t = setTimeout(() => setCopy('idle'), COPIED_FOR);
    return () => clearTimeout(t);
  }, [copy]);

  async function copyCode(code: string) {
    try {
      // Absent outside secure contexts; writeText also rejects without permission or focus.
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(code);
      setCopy('copied');
    } catch {
      // Leave the person one keystroke from a copy instead.
      area.current?.focus();
      area.current?.select();
      setCopy('manual');
    }
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    }
  }

  return (
    <div id={id} className="channel-share" data-testid="share-panel" onKeyDown={onKeyDown}>
      {error !== null ? <ErrorAlert error={error} onDismiss={() => setError(null)} /> : null}
      {result.code !== null ? (
        <>
          <p id={hintId} className="share-hint">
            Anyone with this code can read and write in this channel.
          </p>
          <label htmlFor={`${id}-code`} className="sr-only">
            Join code for #{channel.name}
          </label>
          <textarea
            id={`${id}-code`}
            ref={area}
            className="input join-code"
            data-testid="join-code"
            readOnly
            rows={3}
            value={result.code}
            spellCheck={false}
            aria-describedby={hintId}
            onFocus={(e) => e.currentTarget.select()}
          />
          <div className="share-actions">
            <button type="button" className="button" data-testid="copy-join-code" onClick={() => void copyCode(result.code)}>
              Copy
            </button>
            <span className="share-feedback" role="status" data-testid="copy-feedback">
              {copy === 'copied' ? 'Copied' : copy === 'manual' ? 'Selected — press Ctrl+C (⌘C on a Mac) to copy.' : ''}
            </span>
          </div>
        </>
      ) : null}
    </div>
  );
}
