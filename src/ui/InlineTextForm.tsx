import { useId, useState, type FormEvent } from 'react';
import { ErrorAlert } from './ErrorAlert.tsx';
import { useAction } from './use-action.ts';

interface Props {
  readonly className: string;
  readonly label: string;
  readonly submitLabel: string;
  readonly inputTestId: string;
  readonly submitTestId: string;
  /** The node write; the box clears only once it succeeded (a failed write keeps what was typed). */
  readonly write: (text: string) => Promise<unknown>;
  /** A trimmed value that would change nothing (e.g. the current name): Save stays disabled for it. */
  readonly unchanged?: string;
  readonly placeholder?: string;
  readonly autoFocus?: boolean;
}

/** One line of text and its button, inline: a category-A write that clears the box once the node accepts it. */
export function InlineTextForm({ className, label, submitLabel, inputTestId, submitTestId, write, unchanged, placeholder, autoFocus = false }: Props) {
  const inputId = useId();
  const [text, setText] = useState('');
  const { pending, error, clearError, run } = useAction(write);
  const trimmed = text.trim();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (trimmed !== '' && (await run(trimmed))) setText('');
  }

  return (
    <form className={className} onSubmit={submit}>
      <label htmlFor={inputId}>{label}</label>
      <div className="inline-form">
        <input
          id={inputId}
          className="input"
          data-testid={inputTestId}
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={64}
          placeholder={placeholder}
          dir="auto"
          autoFocus={autoFocus}
        />
        <button type="submit" className="button" data-testid={submitTestId} disabled={trimmed === '' || trimmed === unchanged || pending}>
          {submitLabel}
        </button>
      </div>
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </form>
  );
}
