import type { ReactNode } from 'react';

interface Props {
  readonly testId: string;
  readonly open: boolean;
  readonly onOpen: () => void;
  readonly children: ReactNode;
}

/** A header button that opens a modal panel, telling assistive technology so and whether it is open. */
export function PanelOpener({ testId, open, onOpen, children }: Props) {
  return (
    <button type="button" className="button" data-testid={testId} aria-haspopup="dialog" aria-expanded={open} onClick={onOpen}>
      {children}
    </button>
  );
}
