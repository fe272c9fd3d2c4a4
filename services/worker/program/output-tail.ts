/**
 * The last lines of a program's stdout or stderr, bounded in lines and in bytes per line: kept for the
 * trial record and for the error of a failed trial, never the whole output.
 */
export class OutputTail {
  private readonly lines: string[] = [];
  /** Bytes of an unfinished line (no newline yet). */
  private partial = '';

  constructor(
    private readonly maxLines: number,
    private readonly maxLineLength: number,
  ) {}

  /** Feeds a chunk of output; calls `onLine` for every complete line. */
  write(chunk: string, onLine?: (line: string) => void): void {
    let text = this.partial + chunk;
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      const line = text.slice(0, newline).replace(/\r$/, '');
      this.push(line);
      onLine?.(line);
      text = text.slice(newline + 1);
      newline = text.indexOf('\n');
    }
    // A line without end is cut (a progress bar redrawn with \r would otherwise grow forever).
    this.partial = text.length > this.maxLineLength ? text.slice(-this.maxLineLength) : text;
  }

  /** Ends the stream: an unfinished last line counts as a line. */
  end(onLine?: (line: string) => void): void {
    if (this.partial === '') return;
    const line = this.partial;
    this.partial = '';
    this.push(line);
    onLine?.(line);
  }

  text(): string {
    return this.lines.join('\n');
  }

  private push(line: string): void {
    this.lines.push(line.length > this.maxLineLength ? `${line.slice(0, this.maxLineLength)}…` : line);
    if (this.lines.length > this.maxLines) this.lines.shift();
  }
}
