// How sizes, dates and counts read on screen.

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Binary units with one decimal: 1.2 MiB; whole bytes below 1 KiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

// en-US grouping everywhere so counts read the same for every user ("100,000 items").
const countFormat = new Intl.NumberFormat('en-US');

export function formatCount(n: number, one: string, many: string): string {
  return `${countFormat.format(n)} ${n === 1 ? one : many}`;
}

// One formatter, made once: creating Intl formatters per row would cost more than the rows.
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(ms: number | undefined): string {
  return ms === undefined ? '' : dateTimeFormat.format(ms);
}

export function formatIsoDateTime(iso: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : dateTimeFormat.format(ms);
}

/** A transfer rate: "3.2 MiB/s". */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

export { formatDuration } from '../../shared/duration.js';
