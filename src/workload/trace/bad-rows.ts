// `--skip-bad-rows` (scenario: `workload.trace.skip_bad_rows`): a malformed row is counted and
// reported instead of stopping the run. Readers parse each row inside `guardRow`; without the
// option (or for problems that are not about one row, such as a missing column) the error stands.
import { formatProblem, InputError, type Problem } from '../../scenario/problems.js';

/** How many skipped rows are quoted in the report; the rest are only counted. */
const QUOTED = 5;

export class BadRows {
  private count = 0;
  private readonly examples: Problem[] = [];

  /** Each pass over the file (the replay reads it again per run) starts counting afresh. */
  beginPass(): void {
    this.count = 0;
    this.examples.length = 0;
  }

  record(error: InputError): void {
    this.count++;
    for (const problem of error.problems) if (this.examples.length < QUOTED) this.examples.push(problem);
  }

  get skipped(): number {
    return this.count;
  }

  /** Lines for stderr: how many rows were skipped, and the first few reasons. */
  report(): string[] {
    if (this.count === 0) return [];
    return [`skipped ${this.count} malformed trace row(s) (--skip-bad-rows); the first:`, ...this.examples.map((p) => `  ${formatProblem(p)}`)];
  }
}

/** Parses one row; with skipping on, a row-level input error yields undefined and is recorded. */
export function guardRow<T>(bad: BadRows | undefined, parse: () => T): T | undefined {
  if (bad === undefined) return parse();
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof InputError) || error.problems.every((p) => p.line === undefined)) throw error;
    bad.record(error);
    return undefined;
  }
}
