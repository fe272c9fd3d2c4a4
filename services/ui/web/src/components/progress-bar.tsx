/** A progress bar with its numbers for screen readers. */
export function ProgressBar({ done, total }: { done: number; total: number }) {
  const percent = total === 0 ? 100 : Math.round((1000 * done) / total) / 10;
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
