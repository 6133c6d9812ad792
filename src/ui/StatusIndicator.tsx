import { useEffect, useId, useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import type { OptimisticIndicator, OptimisticProgress } from '../core/consistency/optimistic-status.ts';
import type { FactId } from '../core/ids.ts';
import { lazyView } from './lazy-view.ts';
import { INDICATOR_GLYPH, indicatorText } from './status-text.ts';

// Loaded on the first open: no first screen needs it.
const StatusDetailsPanel = lazyView(async () => (await import('./StatusDetailsPanel.tsx')).StatusDetailsPanel);

interface Props {
  readonly messageId: FactId;
  /** MessageView.indicator, i.e. derived from the message's OptimisticStatus only — never recomputed here. */
  readonly indicator: OptimisticIndicator;
  /** MessageView.progress: how far a Syncing message got. */
  readonly progress: OptimisticProgress | null;
  /** Nobody else is in the channel (no expected acknowledgers). */
  readonly alone: boolean;
}

/** Grace period for the pointer to cross from the indicator into the popover. */
const HOVER_CLOSE_MS = 150;
const GAP = 6;
const MARGIN = 8;

/**
 * ◐ ✓ ✓✓ ◆ with its word for screen readers. Details show on hover or focus and stay pinned after a click,
 * Enter or Space; Escape closes them (WCAG 1.4.13: dismissible without moving pointer or focus away).
 */
export function StatusIndicator({ messageId, indicator, progress, alone }: Props) {
  const text = indicatorText(indicator, progress, alone);
  const popoverId = useId();
  const wrapper = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const popover = useRef<HTMLDivElement>(null);
  const hoverTimer = useRef<number | undefined>(undefined);
  const [pinned, setPinned] = useState(false);
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  // Set by Escape or an explicit close; cleared when the pointer or focus comes back anew.
  const [dismissed, setDismissed] = useState(false);
  const open = !dismissed && (pinned || hovered || focused);

  function close() {
    setPinned(false);
    setDismissed(true);
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key !== 'Escape' || !open) return;
    e.stopPropagation();
    close();
    button.current?.focus();
  }

  function onFocus(e: FocusEvent) {
    if (wrapper.current?.contains(e.relatedTarget as Node | null)) return;
    setFocused(true);
    setDismissed(false);
  }

  function onBlur(e: FocusEvent) {
    if (wrapper.current?.contains(e.relatedTarget as Node | null)) return;
    setFocused(false);
    setPinned(false);
  }

  function onMouseEnter() {
    window.clearTimeout(hoverTimer.current);
    if (!hovered) setDismissed(false);
    setHovered(true);
  }

  function onMouseLeave() {
    hoverTimer.current = window.setTimeout(() => setHovered(false), HOVER_CLOSE_MS);
  }

  useEffect(() => () => window.clearTimeout(hoverTimer.current), []);

  // Hover-only popovers never hold focus, so Escape must also work from wherever focus is.
  useEffect(() => {
    if (!open) return;
    const onDocKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape') close();
    };
    const onDocPointer = (e: PointerEvent) => {
      if (!wrapper.current?.contains(e.target as Node)) setPinned(false);
    };
    document.addEventListener('keydown', onDocKey);
    document.addEventListener('pointerdown', onDocPointer);
    return () => {
      document.removeEventListener('keydown', onDocKey);
      document.removeEventListener('pointerdown', onDocPointer);
    };
  }, [open]);

  // Fixed positioning escapes the message list's scroll clipping; keep it beside the indicator and on screen.
  useLayoutEffect(() => {
    if (!open) return;
    const place = () => {
      const b = button.current;
      const p = popover.current;
      if (!b || !p) return;
      const r = b.getBoundingClientRect();
      const vw = document.documentElement.clientWidth;
      const vh = document.documentElement.clientHeight;
      const w = p.offsetWidth;
      const h = p.offsetHeight;
      const left = Math.max(MARGIN, Math.min(r.right - w, vw - w - MARGIN));
      const below = r.bottom + GAP;
      const fitsBelow = below + h <= vh - MARGIN;
      const fitsAbove = r.top - GAP - h >= MARGIN;
      p.style.left = `${left}px`;
      p.style.top = `${fitsBelow || !fitsAbove ? below : r.top - GAP - h}px`;
    };
    place();
    const resize = new ResizeObserver(place);
    if (popover.current) resize.observe(popover.current);
    window.addEventListener('scroll', place, true);
    window.addEventListener('resize', place);
    return () => {
      resize.disconnect();
      window.removeEventListener('scroll', place, true);
      window.removeEventListener('resize', place);
    };
  }, [open]);

  return (
    <div
      ref={wrapper}
      className="status"
      onKeyDown={onKeyDown}
      onFocus={onFocus}
      onBlur={onBlur}
      onMouseEnter={onMouseEnter}
      onMouseLeave={onMouseLeave}
    >
      <button
        ref={button}
        type="button"
        className={`status-indicator status-${indicator.toLowerCase()}`}
        data-testid="status-indicator"
        data-status={indicator}
        data-progress={progress ? `${progress.reached}/${progress.of}` : undefined}
        data-alone={alone || undefined}
        aria-label={text.name}
        aria-expanded={open}
        aria-controls={open ? popoverId : undefined}
        aria-describedby={open ? popoverId : undefined}
        onClick={() => {
          if (pinned) close();
          else {
            setPinned(true);
            setDismissed(false);
          }
        }}
      >
        <span className="status-glyph" aria-hidden="true">
          {INDICATOR_GLYPH[indicator]}
        </span>
        {text.label !== null ? (
          <span className="status-label" data-testid="status-label" aria-hidden="true">
            {text.label}
          </span>
        ) : null}
      </button>
      {open ? (
        <div ref={popover} id={popoverId} className="status-popover" data-testid="status-details" role="group" aria-label="Message status details">
          <StatusDetailsPanel messageId={messageId} indicator={indicator} />
        </div>
      ) : null}
    </div>
  );
}
