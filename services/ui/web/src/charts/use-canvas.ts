/**
 * A canvas that fills its container's width at the device's pixel ratio and redraws when its width or
 * its inputs change. Charts draw with the page's colour variables, so they follow light/dark mode.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Theme {
  fg: string;
  muted: string;
  line: string;
  accent: string;
  good: string;
  bad: string;
  warn: string;
  bg: string;
}

export function theme(): Theme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string): string => css.getPropertyValue(name).trim();
  return { fg: v('--fg'), muted: v('--muted'), line: v('--line'), accent: v('--accent'), good: v('--good'), bad: v('--bad'), warn: v('--warn'), bg: v('--bg') };
}

export type Draw = (ctx: CanvasRenderingContext2D, width: number, height: number, colors: Theme) => void;

export function useCanvas(height: number, draw: Draw, deps: unknown[]): { ref: { current: HTMLCanvasElement | null }; width: number } {
  const ref = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const parent = ref.current?.parentElement;
    if (!parent) return;
    const observer = new ResizeObserver((entries) => setWidth(Math.floor(entries[0]!.contentRect.width)));
    observer.observe(parent);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || width === 0) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.floor(width * ratio);
    canvas.height = Math.floor(height * ratio);
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    draw(ctx, width, height, theme());
  }, [width, height, ...deps]);
  return { ref, width };
}

/** Blue (low) → yellow (high) for values in [0, 1]; `better` flips it so the best is always yellow. */
export function valueColor(t: number, alpha = 1): string {
  const x = Math.max(0, Math.min(1, t));
  const r = Math.round(40 + 215 * x);
  const g = Math.round(60 + 160 * x);
  const b = Math.round(200 - 170 * x);
  return `rgba(${r},${g},${b},${alpha})`;
}

export function niceNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(1);
  return String(Number(value.toPrecision(3)));
}

/** Draws a y axis with a few ticks between lo and hi at x, over [top, bottom]. */
export function drawYAxis(ctx: CanvasRenderingContext2D, x: number, top: number, bottom: number, lo: number, hi: number, colors: Theme): void {
  ctx.strokeStyle = colors.line;
  ctx.fillStyle = colors.muted;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.beginPath();
  ctx.moveTo(x, top);
  ctx.lineTo(x, bottom);
  ctx.stroke();
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    const y = bottom - ((bottom - top) * k) / 4;
    ctx.fillText(niceNumber(v), x - 4, y);
  }
}
