/**
 * The last lines a program wrote, kept while it runs so that they can be shown if it dies. Pure:
 * it holds text; whoever reads the stream feeds it. A browser's stderr is mostly noise (dbus, GPU)
 * while it works, and the reason it stopped when it does not, so npm start keeps it out of sight
 * until then.
 */
export class OutputTail {
  private lines: string[] = [];
  private partial = '';

  constructor(
    private readonly maxLines = 20,
    private readonly maxLineLength = 400,
  ) {}

  push(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    // A line with no end yet is kept apart, but never grows without bound.
    if (this.partial.length > this.maxLineLength * 4) this.partial = this.partial.slice(-this.maxLineLength * 4);
    for (const line of parts) if (line.trim() !== '') this.lines.push(line);
    if (this.lines.length > this.maxLines) this.lines = this.lines.slice(-this.maxLines);
  }

  /** The kept lines, the unfinished last one included, each cut to a readable length. */
  text(): string[] {
    const all = this.partial.trim() === '' ? this.lines : [...this.lines, this.partial];
    return all.slice(-this.maxLines).map((line) => (line.length > this.maxLineLength ? `${line.slice(0, this.maxLineLength)}…` : line));
  }
}
