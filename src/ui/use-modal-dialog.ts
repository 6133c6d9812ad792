import { useEffect, useRef, useState } from 'react';

/**
 * Opens a <dialog> as modal on mount: the browser then gives Escape, focus containment and inertness of
 * the page for free. On unmount focus goes back to whatever opened it.
 */
export function useModalDialog() {
  const dialog = useRef<HTMLDialogElement>(null);
  // Captured at first render, before showModal moves focus into the dialog.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => opener?.focus();
  }, [opener]);

  return { dialog, close: () => dialog.current?.close() };
}
