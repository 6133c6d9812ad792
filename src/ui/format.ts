import type { PhysicalTime } from '../core/ids.ts';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** 1536 → "1.5 KB": one decimal below 100 of a unit, so small changes stay visible. */
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** "usage of quota (p%)", e.g. "12.0 KB of 1.5 GB (0.01%)". */
export function formatStorage(usage: number, quota: number): string {
  if (quota <= 0) return `${formatBytes(usage)} used`;
  const pct = (usage / quota) * 100;
  const shown = pct >= 1 || pct === 0 ? pct.toFixed(0) : pct < 0.01 ? '<0.01' : pct.toFixed(2);
  return `${formatBytes(usage)} of ${formatBytes(quota)} (${shown}%)`;
}

// One formatter each, made once: toLocale*String builds a new Intl.DateTimeFormat per call, which cost
// as much as rendering the row itself in a burst of messages.
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function formatTime(t: PhysicalTime): string {
  return TIME.format(t);
}

export function formatDateTime(t: PhysicalTime): string {
  return DATE_TIME.format(t);
}

/** Long content ids are unreadable in full; the head and tail are enough to tell them apart at a glance. */
export function shortId(id: string): string {
  return id.length <= 16 ? id : `${id.slice(0, 8)}…${id.slice(-6)}`;
}
