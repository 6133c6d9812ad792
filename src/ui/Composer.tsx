import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ChannelSummary } from '../node/api.ts';
import { useNode } from '../node/hooks.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { useAction } from './use-action.ts';

/** Enter sends, Shift+Enter breaks the line. The draft survives a failed send so nothing typed is lost. */
export function Composer({ channel }: { readonly channel: ChannelSummary }) {
  const node = useNode();
  const inputId = useId();
  const input = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const { pending, error, clearError, run } = useAction((message: string) => node.sendMessage(channel.id, message));
  const empty = text.trim() === '';

  async function send() {
    if (empty) return;
    if (await run(text)) setText('');
    input.current?.focus();
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void send();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    // isComposing: Enter that confirms an IME composition must not send half a word.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  }

  return (
    <form className="composer" onSubmit={onSubmit}>
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
      <label htmlFor={inputId} className="sr-only">
        Message #{channel.name}
      </label>
      <div className="composer-row">
        <textarea
          id={inputId}
          ref={input}
          className="input composer-input"
          data-testid="composer-input"
          rows={2}
          value={text}
          placeholder={`Message #${channel.name}`}
          aria-describedby={`${inputId}-hint`}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="button primary" data-testid="send-button" disabled={empty || pending}>
          Send
        </button>
      </div>
      <p id={`${inputId}-hint`} className="composer-hint muted">
        Enter to send, Shift+Enter for a new line
      </p>
    </form>
  );
}
