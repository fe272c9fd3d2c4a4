/** A progress bar with its numbers for screen readers. */
export function ProgressBar({ done, total }: { done: number; total: number }) {
  // Nothing known yet (total 0 while the status loads) reads as empty, not as a full bar.
  const percent = total === 0 ? 0 : Math.round((1000 * done) / total) / 10;
  return (
    <div
      class="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-label={`${done} of ${total} trials finished`}
      title={`${done} / ${total}`}
    >
      <div style={{ width: `${percent}%` }} />
    </div>
  );
}
