/**
 * All view state lives in the URL (deep links): the path picks the view, the query string holds the
 * filter, sort, columns, chart, brush and selection. Views read it with `useUrlState` and write it
 * back with replaceState (no history entry per keystroke); navigation between views pushes.
 */
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', notify);

/** Goes to another view (a new history entry). */
export function navigate(url: string): void {
  history.pushState(null, '', url);
  notify();
  window.scrollTo(0, 0);
}

/** Re-renders on every URL change; returns the current location. */
export function useLocation(): { path: string; params: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = (): void => setTick((t) => t + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return { path: location.pathname, params: new URLSearchParams(location.search) };
}

/** Sets (or removes, for '' / undefined) query parameters in place. */
export function setParams(values: Record<string, string | undefined>): void {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === '') params.delete(key);
    else params.set(key, value);
  }
  const text = params.toString();
  history.replaceState(null, '', `${location.pathname}${text === '' ? '' : `?${text}`}`);
  notify();
}

/** One query parameter as state. */
export function useUrlState(key: string, fallback = ''): [string, (value: string) => void] {
  const { params } = useLocation();
  const value = params.get(key) ?? fallback;
  return [value, (next: string) => setParams({ [key]: next === fallback ? undefined : next })];
}

/** A link that navigates inside the app without reloading. */
export function onLinkClick(event: MouseEvent): void {
  const anchor = (event.currentTarget as HTMLAnchorElement | null) ?? null;
  if (anchor === null || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(anchor.getAttribute('href') ?? '/ui/');
}
