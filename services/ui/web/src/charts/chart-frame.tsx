/** A chart's box: title, a note saying how many trials it stands for (never capped silently), errors. */
import type { ComponentChildren } from 'preact';

export function ChartFrame({
  title,
  note,
  error,
  testid,
  attrs,
  children,
}: {
  title: string;
  note: string;
  error: string;
  testid: string;
  attrs?: Record<string, string | number>;
  children: ComponentChildren;
}) {
  return (
    <figure
      class="panel chart"
      style="margin: 0"
      data-testid={`chart-${testid}`}
      {...Object.fromEntries(Object.entries(attrs ?? {}).map(([k, v]) => [`data-${k}`, String(v)]))}
    >
      <figcaption>
        <strong>{title}</strong>
        <div class="chart-note" data-testid={`note-${testid}`}>
          {note}
        </div>
      </figcaption>
      {error !== '' && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {children}
    </figure>
  );
}
