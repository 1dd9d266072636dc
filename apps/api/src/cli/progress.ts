/** Where progress is drawn: process.stderr, or a test double. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
}

export interface ProgressOptions {
  /** Draw nothing at all (for --json). */
  enabled: boolean;
  /** Redraws closer together than this are skipped, unless the step changes or the work is done. */
  minIntervalMs?: number;
  /** Without a terminal, a step that lasts prints its state again after this long (default 5 s). */
  logIntervalMs?: number;
  now?: () => number;
}

const WIDTH = 24;

/**
 * A progress bar for long CLI work. On a terminal it redraws one line in place:
 * `[██████░░░░░░] 45%  step · detail`, or a moving counter when the total is not known. Piped into a file or CI log
 * it prints one plain line per step (and every few seconds within a long step) instead, so logs stay readable and
 * free of control characters.
 */
export class ProgressBar {
  private lastStep: string | undefined;
  private lastDraw = -Infinity;
  private drawn = false;
  private pending: { fraction: number | null; step: string; detail: string } | null = null;

  constructor(
    private readonly stream: ProgressStream,
    private readonly options: ProgressOptions,
  ) {}

  /**
   * Reports where the work is. `fraction` is 0..1 when the share done is known, else null. `step` names the stage
   * (a new step always draws; without a terminal only new steps print); `detail` is the rest of the line.
   */
  update(fraction: number | null, step: string, detail = ''): void {
    if (!this.options.enabled) return;
    const stepChanged = step !== this.lastStep;
    this.lastStep = step;
    const now = (this.options.now ?? Date.now)();
    if (!this.stream.isTTY) {
      if (stepChanged || now - this.lastDraw >= (this.options.logIntervalMs ?? 5000)) {
        this.lastDraw = now;
        this.stream.write(`${step}${detail ? `… ${detail}` : '…'}\n`);
      }
      return;
    }
    const finished = fraction !== null && fraction >= 1;
    if (!stepChanged && !finished && now - this.lastDraw < (this.options.minIntervalMs ?? 100)) {
      this.pending = { fraction, step, detail };
      return;
    }
    this.draw(fraction, step, detail, now);
  }

  /**
   * Ends the bar on a terminal: draws `last` (or the state held back by throttling) and moves to a fresh line.
   * Without a terminal the outcome is the command's own result, so nothing more is printed.
   */
  done(last?: { fraction: number | null; step: string; detail?: string }): void {
    if (!this.options.enabled || !this.stream.isTTY) return;
    const final = last ? { ...last, detail: last.detail ?? '' } : this.pending;
    if (final) this.draw(final.fraction, final.step, final.detail, 0);
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  private draw(fraction: number | null, step: string, detail: string, now: number): void {
    this.pending = null;
    this.lastDraw = now;
    this.drawn = true;
    const line = `${renderBar(fraction)}  ${step}${detail ? ` · ${detail}` : ''}`;
    const columns = this.stream.columns && this.stream.columns > 20 ? this.stream.columns - 1 : 119;
    // \r + "erase line", then the line cut to the terminal's width (a wrapped line could not be redrawn in place).
    this.stream.write(`\r\x1b[2K${line.length > columns ? `${line.slice(0, columns - 1)}…` : line}`);
  }
}

/** `[████████░░░░░░░░] 50%`, or `[░░░░░░░░░░░░░░░░]  …` while the share done is unknown. */
export function renderBar(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return `[${'░'.repeat(WIDTH)}]   …`;
  const f = Math.min(1, Math.max(0, fraction));
  const full = Math.round(f * WIDTH);
  return `[${'█'.repeat(full)}${'░'.repeat(WIDTH - full)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}

/** 1536 → "1.5 KB", for byte counts in progress lines. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
