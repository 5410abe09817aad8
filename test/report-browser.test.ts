/**
 * Opens the report page in a real browser (Debian's chromium, headless, driven by
 * puppeteer-core): it renders with no console error and no request beyond the page itself,
 * the DET plot has one curve per set, and a screenshot goes to test-output/report-browser/.
 * Skips, saying so, when chromium is not installed (`.ci/run` installs it).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import puppeteer from 'puppeteer-core';
import { runReport } from '../bench/report.ts';
import { projectRoot } from '../bench/data-dir.ts';
import { writeGeneratedSet } from './support/generated-set.ts';

const CHROMIUM = process.env.BIODEDUP_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`report-browser: skipped, no browser at ${CHROMIUM} (apt-get install chromium, or set BIODEDUP_CHROMIUM)`);

const root = mkdtempSync(join(tmpdir(), 'report-browser-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Where the screenshot goes (gitignored). */
const OUTPUT = join(projectRoot, 'test-output', 'report-browser');

describe.skipIf(!available)('the report page in headless chromium', () => {
  it('renders with no console error, one DET curve per set, and a screenshot', async () => {
    const sets = [writeGeneratedSet(join(root, 'GEN_1'), 8, 6, 21), writeGeneratedSet(join(root, 'GEN_2'), 8, 6, 22), writeGeneratedSet(join(root, 'GEN_3'), 8, 6, 23)];
    const out = join(root, 'report');
    await runReport({ out, sets });
    const page = pathToFileURL(join(out, 'index.html')).href;

    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: join(root, 'profile'),
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const tab = await browser.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      tab.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`); });
      tab.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
      tab.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      tab.on('request', (r) => requests.push(r.url()));
      await tab.setViewport({ width: 1100, height: 900 });
      const response = await tab.goto(page, { waitUntil: 'load' });
      expect(response?.ok() ?? true).toBe(true);

      const figures = await tab.evaluate(() => {
        const det = document.querySelector('svg.det-plot');
        const box = det?.getBoundingClientRect();
        return {
          setCurves: [...document.querySelectorAll('svg.det-plot .det-curve[data-kind="set"]')].map((c) => c.getAttribute('data-label')),
          curvePoints: [...document.querySelectorAll('svg.det-plot .det-curve')].map((c) => (c as SVGPolylineElement).points.numberOfItems),
          detSize: box ? [box.width, box.height] : null,
          histograms: document.querySelectorAll('svg.histogram').length,
          summaryRows: document.querySelectorAll('table.summary tr').length,
        };
      });
      expect(problems).toEqual([]);
      expect(requests).toEqual([page]); // self-contained: nothing else fetched
      expect(figures.setCurves).toEqual(['GEN_1', 'GEN_2', 'GEN_3']);
      for (const n of figures.curvePoints) expect(n).toBeGreaterThan(2);
      expect(figures.detSize?.[0]).toBeGreaterThan(300); // laid out, not collapsed
      expect(figures.histograms).toBe(3);
      expect(figures.summaryRows).toBe(1 + 3);

      mkdirSync(OUTPUT, { recursive: true });
      const shot = join(OUTPUT, 'report.png');
      await tab.screenshot({ path: shot as `${string}.png`, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
