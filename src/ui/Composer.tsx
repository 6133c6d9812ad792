import { useEffect, useId, useRef, useSyncExternalStore, type FormEvent, type KeyboardEvent } from 'react';
import { MAX_MESSAGE_CHARS, type ChannelSummary } from '../node/api.ts';
import { useNode } from '../node/hooks.ts';
import { composerOf } from './channel-composer.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

/** From here on the counter shows how much room is left. */
const COUNT_FROM = MAX_MESSAGE_CHARS - 500;

interface Props {
  readonly channel: ChannelSummary;
  /** Take focus when this turns true (the channel was just created here; its pane may already be up). */
  readonly takeFocus?: boolean;
}

/**
 * Enter sends, Shift+Enter breaks the line. The box clears at once and sends queue in order, so typing on
 * never waits; the draft and unsent messages are saved as they change (`channel-composer.ts`).
 */
export function Composer({ channel, takeFocus = false }: Props) {
  const node = useNode();
  const composer = composerOf(node, channel.id);
  const { draft, error } = useSyncExternalStore(composer.subscribe, composer.snapshot);
  const inputId = useId();
  const input = useRef<HTMLTextAreaElement>(null);
  // What the node counts: the trimmed text.
  const length = draft.trim().length;
  const tooLong = length > MAX_MESSAGE_CHARS;

  useEffect(() => {
    if (takeFocus) input.current?.focus();
  }, [takeFocus]);

  function send() {
    composer.send();
    input.current?.focus();
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    send();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    // isComposing: Enter that confirms an IME composition must not send half a word.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  }

  return (
    <form className="composer" onSubmit={onSubmit}>
      {error !== null ? <ErrorAlert error={error} onDismiss={() => composer.clearError()} /> : null}
      <label htmlFor={inputId} className="sr-only">
        Message #{channel.name}
      </label>
      <div className="composer-row">
        <textarea
          id={inputId}
          ref={input}
          className="input composer-input"
          data-testid="composer-input"
          dir="auto"
          rows={2}
          value={draft}
          placeholder={`Message #${channel.name}`}
          aria-describedby={`${inputId}-hint ${inputId}-count`}
          aria-invalid={tooLong}
          onChange={(e) => composer.setDraft(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="button primary" data-testid="send-button" disabled={length === 0 || tooLong}>
          Send
        </button>
      </div>
      <div className="composer-foot">
        <p id={`${inputId}-hint`} className="composer-hint muted">
          Enter to send, Shift+Enter for a new line
        </p>
        {length >= COUNT_FROM ? (
          <p id={`${inputId}-count`} className="composer-count" data-testid="composer-counter" data-over={tooLong}>
            {length} / {MAX_MESSAGE_CHARS}
          </p>
        ) : null}
      </div>
      {tooLong ? (
        <p className="composer-too-long" role="alert" data-testid="composer-too-long">
          Too long to send: a message has at most {MAX_MESSAGE_CHARS} characters.
        </p>
      ) : null}
    </form>
  );
}
