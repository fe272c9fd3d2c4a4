/**
 * Parallel coordinates: one line per trial through every param axis and the objective (colour = the
 * objective, best = yellow). Drag along an axis to brush a range: the brushes become a filter that the
 * table, groups and other charts use — on the server, so a brush selects among all trials, drawn or not.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import { api, type SampleAnswer } from '../api.js';
import { paramCondition } from '../filter-text.js';
import { brushRanges, type BrushRanges } from './brush-ranges.js';
import { ChartFrame } from './chart-frame.js';
import { niceNumber, useCanvas, valueColor } from './use-canvas.js';
import { useAnswer } from './use-answer.js';

const HEIGHT = 380;
const TOP = 34;
const BOTTOM = HEIGHT - 30;
const SIDE = 60;
const NO_RANGES: BrushRanges = new Map();

interface Axis {
  key: string;
  label: string;
  kind: 'numeric' | 'categorical' | 'objective';
  /** Per drawn trial: position in [0, 1] (0 = bottom), NaN = missing. */
  positions: Float64Array;
  min: number;
  max: number;
  log: boolean;
  categories: string[];
}

function axesOf(data: SampleAnswer): Axis[] {
  const axes: Axis[] = [];
  for (const a of data.axes) {
    const positions = new Float64Array(a.values.length);
    if (a.kind === 'categorical') {
      const span = Math.max(1, (a.categories?.length ?? 1) - 1);
      for (let i = 0; i < positions.length; i++) positions[i] = a.values[i] === null ? Number.NaN : a.categories!.length === 1 ? 0.5 : a.values[i]! / span;
      axes.push({ key: `params.${a.name}`, label: a.name, kind: 'categorical', positions, min: 0, max: 0, log: false, categories: a.categories ?? [] });
    } else {
      const log = a.log === true;
      const lo = log ? Math.log(a.min!) : a.min!;
      const hi = log ? Math.log(a.max!) : a.max!;
      for (let i = 0; i < positions.length; i++) {
        const v = a.values[i];
        positions[i] = v === null || v === undefined ? Number.NaN : hi === lo ? 0.5 : ((log ? Math.log(v) : v) - lo) / (hi - lo);
      }
      axes.push({ key: `params.${a.name}`, label: a.name, kind: 'numeric', positions, min: a.min!, max: a.max!, log, categories: [] });
    }
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of data.objective) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const positions = new Float64Array(data.objective.length);
  for (let i = 0; i < positions.length; i++) positions[i] = hi === lo ? 0.5 : (data.objective[i]! - lo) / (hi - lo);
  axes.push({ key: `metrics.${data.metric}`, label: data.metric, kind: 'objective', positions, min: lo, max: hi, log: false, categories: [] });
  return axes;
}

/** The value at a position of an axis (inverse of the scaling above). */
function valueAt(axis: Axis, t: number): number {
  if (axis.log) return Math.exp(Math.log(axis.min) + t * (Math.log(axis.max) - Math.log(axis.min)));
  return axis.min + t * (axis.max - axis.min);
}

/** The filter condition of a brushed range [lo, hi] (positions) on an axis. */
function brushCondition(axis: Axis, lo: number, hi: number): string {
  if (axis.kind === 'categorical') {
    const span = Math.max(1, axis.categories.length - 1);
    const chosen = axis.categories.filter((_, k) => {
      const t = axis.categories.length === 1 ? 0.5 : k / span;
      return t >= lo && t <= hi;
    });
    if (chosen.length === 0) return `${axis.key} IS NULL AND ${axis.key} IS NOT NULL`;
    const parts = chosen.map((c) => paramCondition(axis.key, c));
    return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
  }
  return `${axis.key} >= ${niceBound(valueAt(axis, lo), 'down')} AND ${axis.key} <= ${niceBound(valueAt(axis, hi), 'up')}`;
}

/** Bounds printed with 6 significant digits, rounded outwards so the brushed lines stay inside. */
function niceBound(value: number, direction: 'up' | 'down'): string {
  const text = value.toPrecision(6);
  const rounded = Number(text);
  const step = Math.abs(value) * 1e-5 || 1e-12;
  const out = direction === 'down' ? (rounded > value ? rounded - step : rounded) : rounded < value ? rounded + step : rounded;
  return String(Number(out.toPrecision(7)));
}

export function ParallelCoordinates({
  sweepId,
  filter,
  brush,
  onBrush,
  revision,
}: {
  sweepId: string;
  filter: string;
  brush: string;
  onBrush: (text: string) => void;
  revision: number;
}) {
  // The lines come from the typed filter only; the brush highlights among them (and filters everything else).
  const { data, error } = useAnswer(() => api.sample(sweepId, filter || undefined), [sweepId, filter, revision]);
  const axes = data === null ? [] : axesOf(data);
  // The brush in the URL is the truth (deep links, reloads, the chip's ×): the ranges are read back
  // from it, never kept apart from it. Undefined: a brush this chart did not write (typed by hand).
  const restored = useMemo(() => (data === null ? NO_RANGES : brushRanges(axes, brush)), [data, brush]);
  const ranges = restored ?? NO_RANGES;
  const drag = useRef<{ axis: number; from: number } | null>(null);
  const [dragRange, setDragRange] = useState<[number, number, number] | null>(null);
  const xOf = (k: number, width: number): number => SIDE + (axes.length <= 1 ? 0 : ((width - 2 * SIDE) * k) / (axes.length - 1));
  const yOf = (t: number): number => BOTTOM - t * (BOTTOM - TOP);
  const active = new Map(ranges);
  if (dragRange !== null) active.set(dragRange[0], [dragRange[1], dragRange[2]]);

  // Which drawn lines fall inside every brushed range (drawn on top, and counted under the chart).
  const inside = useMemo(() => {
    const n = data?.objective.length ?? 0;
    const flags = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let ok = 1;
      for (const [k, [lo, hi]] of active) {
        const t = axes[k]!.positions[i]!;
        if (!(t >= lo && t <= hi)) ok = 0;
      }
      flags[i] = ok;
    }
    return flags;
  }, [data, restored, dragRange]);
  let highlighted = 0;
  for (let i = 0; i < inside.length; i++) highlighted += inside[i]!;
  const { ref, width } = useCanvas(
    HEIGHT,
    (ctx, w, _h, colors) => {
      if (data === null || axes.length === 0) return;
      const n = data.objective.length;
      const objective = axes[axes.length - 1]!;
      const better = data.goal === 'maximize';
      // Dim lines outside the brush first, then the selected ones on top.
      ctx.lineWidth = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i < n; i++) {
          if (inside[i] !== pass) continue;
          const t = objective.positions[i]!;
          ctx.strokeStyle = pass === 0 ? colors.line : valueColor(better ? t : 1 - t, 0.55);
          ctx.beginPath();
          for (let k = 0; k < axes.length; k++) {
            const p = axes[k]!.positions[i]!;
            const y = yOf(p !== p ? 0 : p);
            if (k === 0) ctx.moveTo(xOf(k, w), y);
            else ctx.lineTo(xOf(k, w), y);
          }
          ctx.stroke();
        }
      }
      ctx.font = '11px system-ui, sans-serif';
      for (let k = 0; k < axes.length; k++) {
        const axis = axes[k]!;
        const x = xOf(k, w);
        ctx.strokeStyle = colors.fg;
        ctx.beginPath();
        ctx.moveTo(x, TOP);
        ctx.lineTo(x, BOTTOM);
        ctx.stroke();
        ctx.fillStyle = colors.fg;
        ctx.textAlign = 'center';
        ctx.fillText(axis.label, x, TOP - 8);
        ctx.fillStyle = colors.muted;
        if (axis.kind === 'categorical') {
          const span = Math.max(1, axis.categories.length - 1);
          axis.categories.forEach((c, j) => ctx.fillText(c, x, yOf(axis.categories.length === 1 ? 0.5 : j / span) - 3));
        } else {
          ctx.fillText(niceNumber(axis.max), x, TOP + 10);
          ctx.fillText(niceNumber(axis.min), x, BOTTOM + 14);
        }
        const range = active.get(k);
        if (range !== undefined) {
          ctx.fillStyle = 'rgba(120,160,255,0.25)';
          // Ranges read back from a URL may reach past the axis (open ends): draw the part on it.
          const lo = Math.max(0, Math.min(1, range[0]));
          const hi = Math.max(0, Math.min(1, range[1]));
          ctx.fillRect(x - 8, yOf(hi), 16, yOf(lo) - yOf(hi));
        }
      }
    },
    [data, inside],
  );

  const positionOf = (event: PointerEvent): { axis: number; t: number } | null => {
    const rect = (event.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    let best = -1;
    for (let k = 0; k < axes.length; k++)
      if (Math.abs(xOf(k, width) - x) < 20 && (best < 0 || Math.abs(xOf(k, width) - x) < Math.abs(xOf(best, width) - x))) best = k;
    if (best < 0) return null;
    return { axis: best, t: Math.max(0, Math.min(1, (BOTTOM - y) / (BOTTOM - TOP))) };
  };
  const commit = (next: BrushRanges): void => {
    const parts: string[] = [];
    for (const [k, [lo, hi]] of next) parts.push(brushCondition(axes[k]!, lo, hi));
    onBrush(parts.join(' AND '));
  };
  const axesAttr = JSON.stringify(axes.map((a, k) => ({ key: a.key, x: Math.round(xOf(k, width)) })));
  return (
    <ChartFrame
      title="Parallel coordinates"
      error={error}
      testid="parallel"
      note={
        data === null
          ? 'loading…'
          : `${data.total} completed trials${data.drawn < data.total ? `, ${data.drawn} drawn (the best ${Math.floor(data.drawn / 10)} and an even sample of the rest); brushing filters all ${data.total}` : ', every one drawn'} · drag along an axis to brush, Escape or “clear” to reset`
      }
      attrs={{ lines: data?.drawn ?? 0, total: data?.total ?? 0, axes: axesAttr, top: TOP, bottom: BOTTOM }}
    >
      <canvas
        ref={ref}
        role="img"
        aria-label={`parallel coordinates of ${data?.drawn ?? 0} trials`}
        tabIndex={0}
        onKeyDown={(e) => {
          if (e.key === 'Escape') commit(new Map());
        }}
        onPointerDown={(e) => {
          const at = positionOf(e);
          if (at === null) return;
          (e.currentTarget as HTMLCanvasElement).setPointerCapture(e.pointerId);
          drag.current = { axis: at.axis, from: at.t };
          setDragRange([at.axis, at.t, at.t]);
        }}
        onPointerMove={(e) => {
          if (drag.current === null) return;
          const rect = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
          const t = Math.max(0, Math.min(1, (BOTTOM - (e.clientY - rect.top)) / (BOTTOM - TOP)));
          setDragRange([drag.current.axis, Math.min(drag.current.from, t), Math.max(drag.current.from, t)]);
        }}
        onPointerUp={() => {
          const current = drag.current;
          drag.current = null;
          if (current === null || dragRange === null) return;
          setDragRange(null);
          const next = new Map(ranges);
          // A click without a drag clears that axis' brush.
          if (dragRange[2] - dragRange[1] < 0.01) next.delete(current.axis);
          else next.set(current.axis, [dragRange[1], dragRange[2]]);
          commit(next);
        }}
      />
      <div class="row">
        <span class="muted" data-testid="parallel-selected">
          {brush === ''
            ? ''
            : restored === undefined
              ? 'a brush this chart cannot draw (it still filters the table and charts)'
              : `${highlighted} of the drawn lines inside the brush`}
        </span>
        {brush !== '' && <button onClick={() => commit(new Map())}>clear brush</button>}
      </div>
    </ChartFrame>
  );
}
