// The HTML report as bytes: self-contained (nothing to fetch, no script), deterministic, and with
// the sections and plots it promises. Built in-process from a real small sweep and capacity search.
import { describe, expect, it } from 'vitest';
import { renderCapacityReport, renderSweepReport } from '../../src/report/html/index.js';
import { configLabel } from '../../src/report/html/from-results.js';
import { escapeHtml } from '../../src/report/html/page.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { runCapacity } from '../../src/sweep/capacity.js';
import { DEFAULT_SEARCH } from '../../src/sweep/capacity-search.js';
import { readSource } from '../../src/sweep/options.js';
import { runPoint, type RunJob } from '../../src/sweep/run-point.js';
import { parseSlo } from '../../src/sweep/slo.js';
import { recordSeries, runSweep } from '../../src/sweep/sweep.js';

const { source, name } = readSource('scenarios/capacity-llama8b-h100.yaml', ['workload.duration=10s'], undefined);
const inProcess = { run: (job: RunJob) => runPoint(source, job) };
const slos = [parseSlo('ttft_p99<200ms')];

async function sweepHtml() {
  const frame = await runSweep({ source, scenario: name, axes: parseAxes(['engine.max_num_seqs=4,64', 'workload.rate=2,6']), seeds: 1, slos, goodput: { ttft: 200 } }, inProcess);
  const series = await recordSeries(inProcess, ['workload.rate=6', 'engine.max_num_seqs=4']);
  return renderSweepReport(frame, { label: 'point <3>', series: series! });
}

describe('the sweep report', () => {
  it('is one self-contained page: no script, nothing fetched, a policy forbidding fetches', async () => {
    const html = await sweepHtml();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\s(src|href)=/i);
    // The only URLs are XML namespace names, which nothing fetches.
    const urls = [...new Set(html.match(/https?:\/\/[^"'\s<>)]+/g))];
    expect(urls.sort()).toEqual(['http://www.w3.org/1999/xlink', 'http://www.w3.org/2000/svg']);
  });

  it('has every plot as SVG with marks, and escapes what it prints', async () => {
    const html = await sweepHtml();
    for (const title of ['Latency against load', 'Throughput and goodput', 'Preemptions', 'SLO frontier', 'Over time: point &#60;3&#62;', 'Points']) {
      expect(html).toContain(`<h2>${title}</h2>`);
    }
    expect(html.match(/<svg /g)).toHaveLength(5);
    expect(html).toContain('class="mark-line');
    expect(html).toContain('class="mark-symbol');
    expect(html).toContain('class="mark-area');
    expect(html).toContain('max_num_seqs=4');
  });

  it('is the same bytes every time', async () => {
    expect(await sweepHtml()).toBe(await sweepHtml());
  });
});

describe('the capacity report', () => {
  it('shows the frontier, every probe and the configurations', async () => {
    const frame = await runCapacity(
      { source, scenario: name, axes: parseAxes(['engine.max_num_seqs=4,64']), seeds: 1, slos, search: { ...DEFAULT_SEARCH, relTol: 0.1 } },
      inProcess,
    );
    const html = await renderCapacityReport(frame);
    expect(html).toContain('<h2>SLO frontier</h2>');
    expect(html).toContain('<h2>Configurations</h2>');
    expect(html).toContain('exponential bracketing');
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).toContain('class="mark-rect'); // the frontier bars
  });
});

describe('helpers', () => {
  it('labels a configuration by the last part of each varied key', () => {
    expect(configLabel({ 'engine.max_num_seqs': 128, 'workload.rate': 2 }, 'workload.rate', 'x')).toBe('max_num_seqs=128');
    expect(configLabel({ 'workload.rate': 2 }, 'workload.rate', 'scenario')).toBe('scenario');
  });

  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x">&'`)).toBe('&#60;a href=&#34;x&#34;&#62;&#38;&#39;');
  });
});
