/** A fixed time window that counters belong to: its id (part of each counter's id) and when it ends. */
export interface Window {
  readonly id: string;
  readonly end: number;
}

const MINUTE_MS = 60_000;
/** Counters outlive their window by this much, so late settlements still find them; DynamoDB's TTL removes them later. */
const EXPIRY_GRACE_MS = 3_600_000;

/** The last window each function made: every request asks for the current one, which changes once a minute or month. */
let lastMinute: Window | undefined;
let lastMonth: { readonly window: Window; readonly start: number } | undefined;

/** The UTC minute `now` falls in. */
export function minuteWindow(now: number): Window {
  const start = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  if (lastMinute?.end !== start + MINUTE_MS) lastMinute = { id: new Date(start).toISOString().slice(0, 16), end: start + MINUTE_MS };
  return lastMinute;
}

/** The UTC calendar month `now` falls in. */
export function monthWindow(now: number): Window {
  if (lastMonth && now >= lastMonth.start && now < lastMonth.window.end) return lastMonth.window;
  const date = new Date(now);
  const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  lastMonth = { window: { id: date.toISOString().slice(0, 7), end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) }, start };
  return lastMonth.window;
}

/** Fixed spans of `ms` (for the concurrency counters: a slot a crashed instance never gave back is forgotten at the next span). */
export function spanWindow(now: number, ms: number): Window {
  const start = Math.floor(now / ms) * ms;
  return { id: `${ms / 1000}s-${start / 1000}`, end: start + ms };
}

/** When a counter of `window` may be forgotten. */
export function expiry(window: Window): Date {
  return new Date(window.end + EXPIRY_GRACE_MS);
}
