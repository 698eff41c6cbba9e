// The progress bar: drawn on a terminal, silent when stderr is a pipe or a file.
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/sweep/progress.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, columns: 80, written, write: (text: string) => written.push(text) > 0 };
}

describe('createProgress', () => {
  it('writes nothing when the stream is not a terminal', () => {
    const s = stream(false);
    const progress = createProgress(s, 'sweep', 3);
    progress.tick();
    progress.done();
    expect(s.written).toEqual([]);
  });

  it('draws a bar that reaches the total, and clears it', () => {
    const s = stream(true);
    const progress = createProgress(s, 'sweep', 4);
    for (let i = 0; i < 4; i++) progress.tick();
    progress.done();
    expect(s.written[0]).toMatch(/^\rsweep \[\.+\] 0\/4 runs/);
    // The last tick always draws (it is not throttled), with a full bar.
    expect(s.written.at(-2)).toMatch(/^\rsweep \[#+\] 4\/4 runs {2}\d+\.\d s/);
    expect(s.written.at(-1)).toBe('\r\x1b[K');
  });

  it('counts runs when the total is not known (a capacity search)', () => {
    const s = stream(true);
    createProgress(s, 'capacity', undefined);
    expect(s.written[0]).toMatch(/^\rcapacity 0 runs/);
  });
});
