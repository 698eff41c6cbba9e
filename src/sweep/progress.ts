// A progress bar on stderr, drawn only when stderr is a terminal: piped or redirected stderr (CI
// logs, `2> file`) gets no carriage-return noise. Wall time appears here and on stderr only.

export interface Progress {
  /** One more run finished. */
  tick(): void;
  /** Clears the bar. */
  done(): void;
}

interface TtyLike {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

const SILENT: Progress = { tick: () => {}, done: () => {} };

/** `total` is undefined when the number of runs is not known ahead (a capacity search). */
export function createProgress(stream: TtyLike, label: string, total: number | undefined): Progress {
  if (stream.isTTY !== true) return SILENT;
  const started = process.hrtime.bigint();
  let finished = 0;
  let lastDraw = 0n;
  const draw = (force: boolean) => {
    const now = process.hrtime.bigint();
    // At most ~10 redraws a second: a 1,000-point sweep would otherwise spend its time drawing.
    if (!force && now - lastDraw < 100_000_000n) return;
    lastDraw = now;
    const seconds = (Number(now - started) / 1e9).toFixed(1);
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
    const bar =
      total !== undefined && total > 0
        ? `[${'#'.repeat(Math.round((finished / total) * width)).padEnd(width, '.')}] ${finished}/${total}`
        : `${finished}`;
    stream.write(`\r${label} ${bar} runs  ${seconds} s\x1b[K`);
  };
  draw(true);
  return {
    tick: () => {
      finished++;
      draw(finished === total);
    },
    done: () => {
      stream.write('\r\x1b[K');
    },
  };
}
