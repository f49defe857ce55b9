const BAR_WIDTH = 24;
const n = (value: number): string => Math.round(value).toLocaleString('en-US');

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return (hms[0] > 0 ? hms : hms.slice(1)).map((part, i) => (i === 0 ? String(part) : String(part).padStart(2, '0'))).join(':');
}

/** One progress line: bar, share, count, missions/s and ETA (the total is an estimate: the old index's size). */
export function progressLine(done: number, total: number, elapsedMs: number): string {
  const share = total > 0 ? Math.min(done / total, 1) : 0;
  const filled = Math.round(share * BAR_WIDTH);
  const rate = done / Math.max(elapsedMs / 1000, 0.001);
  const eta = rate > 0 ? Math.max(total - done, 0) / rate : Infinity;
  return `importing [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% `
    + `${n(done)}/${n(total)} missions  ${n(rate)}/s  ETA ${clock(eta)}`;
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal (at most every 100 ms), otherwise
 * a plain line every 10 s, so a log file shows the import is alive without filling up.
 */
export class ImportProgress {
  private readonly started = Date.now();
  private lastDrawn: number;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.lastDrawn = stream.isTTY ? 0 : this.started;
  }

  update(done: number, total: number): void {
    const now = Date.now();
    if (now - this.lastDrawn < (this.stream.isTTY ? 100 : 10_000)) return;
    this.lastDrawn = now;
    const line = progressLine(done, total, now - this.started);
    this.stream.write(this.stream.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
  }

  /** Clears the bar before the summary is printed. */
  finish(): void {
    if (this.stream.isTTY && this.lastDrawn > 0) this.stream.write('\r\x1b[K');
  }
}
