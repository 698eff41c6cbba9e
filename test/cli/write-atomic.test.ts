// Whole files or nothing: the target appears only complete, and a failed write leaves no debris.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/cli/write-atomic.js';

describe('writeFileAtomic', () => {
  it('replaces the target with the full content and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simtrace-atomic-'));
    const path = join(dir, 'out.csv');
    writeFileSync(path, 'old');
    writeFileAtomic(path, 'a,b\n1,2\n');
    expect(readFileSync(path, 'utf8')).toBe('a,b\n1,2\n');
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  it('fails without creating the target when the folder does not exist', () => {
    const path = join(tmpdir(), 'simtrace-no-such-dir', 'out.csv');
    expect(() => writeFileAtomic(path, 'x')).toThrow();
    expect(existsSync(path)).toBe(false);
  });
});
