import type { ReactNode } from 'react';
import { useModalDialog } from './use-modal-dialog.ts';

/**
 * A side panel as a modal <dialog>: its title and a Close button (focused on open), then the content.
 * Escape closes it too, and focus returns to the opener. The title's id is `<testId>-title`.
 */
export function ModalPanel({ testId, title, onClose, children }: { readonly testId: string; readonly title: string; readonly onClose: () => void; readonly children: ReactNode }) {
  const { dialog, close } = useModalDialog();
  return (
    <dialog ref={dialog} className="device-panel" data-testid={testId} aria-labelledby={`${testId}-title`} onClose={onClose}>
      <div className="device-panel-head">
        <h2 id={`${testId}-title`}>{title}</h2>
        <button type="button" className="button" onClick={close} autoFocus>
          Close
        </button>
      </div>
      {children}
    </dialog>
  );
}
