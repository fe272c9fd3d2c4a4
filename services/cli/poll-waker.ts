/**
 * Cuts a poll loop's wait short when something happened (issue 13, fixed costs): `sweepq run` polled
 * its sweep's status every 50 ms, so the end of a sweep was seen up to 50 ms late; its workers now
 * ring when a job of theirs ends, and the poll reads the status at once. The interval stays as the
 * fallback for what nobody rings for (a worker of another process, a progress line on a long trial).
 */
export class PollWaker {
  /** Ends the wait under way. */
  private wake: (() => void) | null = null;
  /** Rung while no wait was under way (during a status read): the next wait ends at once. */
  private rung = false;

  /** Ends the current wait now, or the next one when none is under way. */
  ring(): void {
    const wake = this.wake;
    if (wake === null) {
      this.rung = true;
      return;
    }
    this.wake = null;
    wake();
  }

  /** Waits `ms`, or less when rung; rejects with the signal's reason when it aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(abortError(signal));
    if (this.rung) {
      this.rung = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.wake === wake) this.wake = null;
      };
      const wake = (): void => {
        settle();
        resolve();
      };
      const onAbort = (): void => {
        settle();
        reject(abortError(signal));
      };
      const timer = setTimeout(wake, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wake = wake;
    });
  }
}

/** Why `signal` aborted, as an Error (abort() without a reason gives a DOMException, an Error too). */
function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}
