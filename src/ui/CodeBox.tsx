import { useEffect, useId, useRef, useState } from 'react';

/** How long "Copied" stays up, in ms. */
const COPIED_FOR = 2000;

type Copy = 'idle' | 'copied' | 'manual';

interface Props {
  readonly code: string;
  /** The code's accessible name. */
  readonly label: string;
  /** What holding the code allows, shown above it. */
  readonly hint: string;
  readonly testId: string;
  readonly copyTestId: string;
  /** Focus (and so select) the code on mount. */
  readonly autoFocus?: boolean;
  /** Called once the code is on the clipboard; not when it was only selected for a manual copy. */
  readonly onCopied?: () => void;
}

/** A code to hand to someone: read-only text, selected on focus, and Copy (clipboard, else selected for Ctrl+C). */
export function CodeBox({ code, label, hint, testId, copyTestId, autoFocus = false, onCopied }: Props) {
  const area = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const [copy, setCopy] = useState<Copy>('idle');

  useEffect(() => {
    if (copy !== 'copied') return;
    const t = setTimeout(() => setCopy('idle'), COPIED_FOR);
    return () => clearTimeout(t);
  }, [copy]);

  async function copyCode() {
    try {
      // Absent outside secure contexts; writeText also rejects without permission or focus.
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(code);
      setCopy('copied');
      onCopied?.();
    } catch {
      // Leave the person one keystroke from a copy instead.
      area.current?.focus();
      area.current?.select();
      setCopy('manual');
    }
  }

  return (
    <>
      <p id={`${id}-hint`} className="share-hint">
        {hint}
      </p>
      <label htmlFor={`${id}-code`} className="sr-only">
        {label}
      </label>
      <textarea
        id={`${id}-code`}
        ref={area}
        className="input join-code"
        data-testid={testId}
        readOnly
        rows={3}
        value={code}
        spellCheck={false}
        aria-describedby={`${id}-hint`}
        autoFocus={autoFocus}
        onFocus={(e) => e.currentTarget.select()}
      />
      <div className="share-actions">
        <button type="button" className="button" data-testid={copyTestId} onClick={() => void copyCode()}>
          Copy
        </button>
        <span className="share-feedback" role="status" data-testid="copy-feedback">
          {copy === 'copied' ? 'Copied' : copy === 'manual' ? 'Selected — press Ctrl+C (⌘C on a Mac) to copy.' : ''}
        </span>
      </div>
    </>
  );
}
