// Start-up (issue "Speed"): the CLI loads only what the command it runs needs. Registering the
// commands (what --help and --version cost) must not load the simulator, zod, yaml, the OTEL SDK or
// vega, and a run without trace output must not load the OTEL SDK. Checked on the static import
// graph of the sources: a value import is loaded with its importer, `import type` and import() are not.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const STATIC_IMPORT = /^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** Every module (sources and packages) that loading `entry` loads, following static value imports. */
function staticClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(STATIC_IMPORT)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:')) packages.add(specifier);
    }
  };
  visit(resolve(entry));
  return { files, packages };
}

const HEAVY = [/^@opentelemetry\//, /^vega/, /^zod/, /^yaml$/, /^csv-parse/];

describe('what each command loads', () => {
  it('registering the commands loads commander and nothing heavy', () => {
    const { packages, files } = staticClosure('src/cli/main.ts');
    expect([...packages]).toEqual(['commander']);
    const loaded = [...files].map((f) => f.slice(resolve('src').length + 1));
    for (const heavy of ['server/simulation.ts', 'scenario/load.ts', 'diff/index.ts', 'trace/otlp-recorder.ts', 'sweep/sweep.ts', 'report/html/index.ts']) {
      expect(loaded).not.toContain(heavy);
    }
  });

  it('the trace recorder of a run loads the OTEL SDK only when spans go somewhere', () => {
    const { packages } = staticClosure('src/cli/trace-open.ts');
    expect([...packages].filter((p) => HEAVY.some((h) => h.test(p)))).toEqual([]);
  });

  it('the benchmark entry loads the simulator lazily too', () => {
    const { packages } = staticClosure('src/cli/bench-entry.ts');
    expect([...packages].filter((p) => HEAVY.some((h) => h.test(p)))).toEqual([]);
  });
});

describe('simtrace --version', () => {
  it('prints the package version and exits 0', () => {
    const { version } = JSON.parse(readFileSync(join('package.json'), 'utf8')) as { version: string };
    const r = spawnSync(process.execPath, ['bin/simtrace.js', '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });
});

describe('the bundled CLI', () => {
  it('does not load child_process (which commander requires at load, for executable subcommands)', () => {
    // Loading it, with net, dgram and more, cost ~7 ms of every command's start; the bundle gives
    // commander a module that loads it when first used (scripts/bundle-cli.mjs).
    const probe = `process.argv = [process.argv[0], 'bin/simtrace.js', '--version'];
      process.on('exit', () => process.stderr.write(JSON.stringify(process.moduleLoadList.filter((m) => /child_process/.test(m)))));
      import(${JSON.stringify(resolve('bin/simtrace.js'))});`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stderr)).toEqual([]);
  });
});
