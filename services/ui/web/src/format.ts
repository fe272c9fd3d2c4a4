/** How numbers, times and durations read on the dashboard. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(2);
  return value.toFixed(digits).replace(/\.?0+$/, '');
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '—';
  return new Date(epochMs).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function formatParam(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return formatNumber(value, 6);
  // Params are JSON scalars; anything else (a list) reads as its JSON.
  return typeof value === 'string' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** Below this an importance share is numerical noise (a param that does not matter comes out as 2e-31). */
const NEGLIGIBLE_SHARE = 1e-6;

/** An importance share as it reads: noise below 1e-6 shows as 0; the API's number is left as it is. */
export function formatShare(value: number): string {
  return formatNumber(Math.abs(value) < NEGLIGIBLE_SHARE ? 0 : value, 3);
}
