/** Loads a chart's answer when its inputs change; keeps the last one on screen while the next loads (no layout jump). */
import { useEffect, useState } from 'preact/hooks';

export function useAnswer<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: string } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    load().then(
      (answer) => {
        if (!live) return;
        setData(answer);
        setError('');
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, deps);
  return { data, error };
}
