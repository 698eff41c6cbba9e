// The reports in a real browser: Debian's headless Chromium, driven by playwright-core, with the
// network left unreachable. The page must render with no console error, fetch nothing, and show
// every plot as SVG with marks drawn. (.ci/run installs Chromium where it is missing.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'simtrace-report-'));
let browser: BrowserContext;

function simtrace(args: string[]) {
  const result = spawnSync(process.execPath, ['bin/simtrace.js', ...args], { encoding: 'utf8' });
  return { code: result.status, stderr: result.stderr };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'simtrace-chromium-profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

interface Visit {
  readonly page: Page;
  readonly errors: string[];
  readonly requests: string[];
}

/** Opens a file and records console errors, page errors and every request that is not the file itself. */
async function visit(url: string): Promise<Visit> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('request', (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  // Anything but the file itself is refused at once: the test never waits on (or reaches) a network.
  await page.route((target) => target.href !== url, (route) => route.abort());
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests };
}

/** Per figure: how many drawn shapes (paths, rects, lines) its SVG holds inside Vega's mark groups. */
async function marksPerFigure(page: Page): Promise<number[]> {
  return page.$$eval('figure.chart svg', (svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      if (box.width < 100 || box.height < 50) return -1;
      return svg.querySelectorAll('g[class*="mark-line"] path, g[class*="mark-symbol"] path, g[class*="mark-rect"] path, g[class*="mark-area"] path, g[class*="mark-rule"] line').length;
    }),
  );
}

describe('the HTML reports in headless Chromium', () => {
  it('render a sweep report with no console error, no request, and marks in every plot', async () => {
    const file = join(dir, 'sweep.html');
    const run = simtrace(['sweep', 'scenarios/capacity-llama8b-h100.yaml', '--set', 'workload.duration=10s', '--vary', 'engine.max_num_seqs=4,64', '--vary', 'workload.rate=2:6:2', '--slo', 'ttft_p99<200ms', '--report', file]);
    expect(run.code, run.stderr).toBe(0);
    const { page, errors, requests } = await visit(`file://${file}`);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.title()).toBe('simtrace sweep: capacity-llama8b-h100');
    const marks = await marksPerFigure(page);
    expect(marks).toHaveLength(5);
    for (const count of marks) expect(count).toBeGreaterThan(0);
    expect(await page.locator('table tbody tr').count()).toBe(6);
    await page.close();
  }, 120_000);

  it('render a capacity report the same way', async () => {
    const file = join(dir, 'capacity.html');
    const run = simtrace(['capacity', 'scenarios/capacity-llama8b-h100.yaml', '--set', 'workload.duration=10s', '--vary', 'engine.max_num_seqs=4,64', '--slo', 'ttft_p99<200ms', '--rel-tol', '0.1', '--report', file]);
    expect(run.code, run.stderr).toBe(0);
    const { page, errors, requests } = await visit(`file://${file}`);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const marks = await marksPerFigure(page);
    expect(marks).toHaveLength(5);
    for (const count of marks) expect(count).toBeGreaterThan(0);
    await expect(page.locator('h2').allTextContents()).resolves.toContain('SLO frontier');
    await page.close();
  }, 120_000);

  it('would notice a page that errs or fetches (the checks above can fail)', async () => {
    const file = join(dir, 'bad.html');
    writeFileSync(file, '<!DOCTYPE html><html><body><img src="http://192.0.2.1/x.png"><script>console.error("boom")</script></body></html>');
    const { page, errors, requests } = await visit(`file://${file}`);
    expect(errors.some((e) => e.includes('boom'))).toBe(true);
    expect(requests).toEqual(['http://192.0.2.1/x.png']);
    expect(await marksPerFigure(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
