import { errorCode, errorText } from './error-text.ts';

interface Props {
  readonly error: unknown;
  readonly onDismiss: () => void;
}

/** Inline, next to where the failed write happened, until dismissed or the next attempt. */
export function ErrorAlert({ error, onDismiss }: Props) {
  return (
    <div className="alert" role="alert" data-testid="error-alert" data-code={errorCode(error) ?? undefined}>
      <p className="alert-text">{errorText(error)}</p>
      <button type="button" className="alert-dismiss" aria-label="Dismiss error" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
