/** ROC or precision–recall curves on the unit square, several overlaid (one per class, or one per compared trial). */
import type { Curve } from '../../../../../shared/schemas/trial-diagnostics.schema.js';
import { formatNumber } from '../format.js';
import { useCanvas } from './use-canvas.js';

const HEIGHT = 300;
const LEFT = 44;
const TOP = 10;
const BOTTOM = HEIGHT - 34;
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export interface LabelledCurve {
  label: string;
  curve: Curve;
}

export function CurveChart({ kind, curves, testid }: { kind: 'roc' | 'pr'; curves: LabelledCurve[]; testid: string }) {
  const { ref } = useCanvas(
    HEIGHT,
    (ctx, width, _height, colors) => {
      const size = Math.min(width - LEFT - 10, BOTTOM - TOP);
      const xOf = (v: number): number => LEFT + v * size;
      const yOf = (v: number): number => BOTTOM - v * (BOTTOM - TOP);
      ctx.strokeStyle = colors.line;
      ctx.strokeRect(LEFT, TOP, size, BOTTOM - TOP);
      if (kind === 'roc') {
        ctx.setLineDash([4, 4]);
        ctx.beginPath();
        ctx.moveTo(xOf(0), yOf(0));
        ctx.lineTo(xOf(1), yOf(1));
        ctx.stroke();
        ctx.setLineDash([]);
      }
      ctx.lineWidth = 2;
      curves.forEach(({ curve }, k) => {
        ctx.strokeStyle = PALETTE[k % PALETTE.length]!;
        ctx.beginPath();
        for (let i = 0; i < curve.x.length; i++) {
          if (i === 0) ctx.moveTo(xOf(curve.x[i]!), yOf(curve.y[i]!));
          else ctx.lineTo(xOf(curve.x[i]!), yOf(curve.y[i]!));
        }
        ctx.stroke();
      });
      ctx.lineWidth = 1;
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillStyle = colors.muted;
      ctx.textAlign = 'center';
      ctx.fillText(kind === 'roc' ? 'false positive rate' : 'recall', LEFT + size / 2, HEIGHT - 8);
      ctx.fillText('0', LEFT, BOTTOM + 12);
      ctx.fillText('1', LEFT + size, BOTTOM + 12);
      ctx.save();
      ctx.translate(12, (TOP + BOTTOM) / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.fillText(kind === 'roc' ? 'true positive rate' : 'precision', 0, 0);
      ctx.restore();
      // The legend beside the square, when there is room; the list below always names the colours.
      ctx.textAlign = 'left';
      curves.forEach(({ label, curve }, k) => {
        ctx.fillStyle = PALETTE[k % PALETTE.length]!;
        ctx.fillText(`${label} (${kind === 'roc' ? 'AUC' : 'AP'} ${formatNumber(curve.area, 3)})`, LEFT + size + 10, TOP + 12 + k * 14);
      });
    },
    [curves],
  );
  return (
    <div data-testid={testid} data-curves={curves.length}>
      <canvas
        ref={ref}
        role="img"
        aria-label={`${kind === 'roc' ? 'ROC' : 'precision–recall'} curves: ${curves.map((c) => `${c.label} ${formatNumber(c.curve.area, 3)}`).join(', ')}`}
      />
    </div>
  );
}
