// The Compare page's cross-verification heatmap in headless Chromium, under VS Code's Dark Modern,
// Light Modern and a high-contrast theme: a positive gap is tinted green and a negative one red (of
// the theme's chart colours), the cell's text keeps a WCAG contrast of at least 4.5 : 1 on its tint,
// and in high contrast the cells have no tint at all (the text says the value and its sign). The
// matrix is built from real runs of strongWeakResponder's two models on a loopback fake server.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { crossMatrix, type CrossMatrix } from '../../src/core/pipeline/crossMatrix';
import { compareHtml } from '../../src/extension/panel/compareView';
import { runCli } from '../helpers/cli';
import { folderAndServerPerSuite } from '../helpers/fakeServers';
import { strongWeakResponder } from '../helpers/matrixModels';
import { cleanEnv, writeTasks } from '../helpers/runs';
import { launchBrowser, themeCss } from './browserHarness';

// Browser globals used inside page.evaluate callbacks (the test program has no DOM lib).
interface PageNode {
  className: string;
  textContent: string | null;
}
declare const document: { body: PageNode; querySelectorAll(selector: string): ArrayLike<PageNode> };
declare function getComputedStyle(node: unknown): { backgroundColor: string; color: string };

type Rgba = [number, number, number, number];

/** "rgb(1, 2, 3)", "rgba(1, 2, 3, 0.4)" or "color(srgb 0.1 0.2 0.3 / 0.4)" as 0–255 channels and alpha. */
function parseColor(text: string): Rgba {
  const srgb = /^color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)(?: \/ ([\d.]+))?\)$/.exec(text);
  if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
  const rgb = /^rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)$/.exec(text);
  assert.ok(rgb, `a colour: ${text}`);
  return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), rgb[4] === undefined ? 1 : Number(rgb[4])];
}

/** The colour seen: `top` composited over the opaque `under`. */
function over(top: Rgba, under: Rgba): Rgba {
  const a = top[3];
  return [0, 1, 2].map((i) => (top[i] as number) * a + (under[i] as number) * (1 - a)).concat(1) as Rgba;
}

/** WCAG 2 contrast ratio of two opaque colours. */
function contrast(x: Rgba, y: Rgba): number {
  const lum = (c: Rgba): number => {
    const [r, g, b] = [0, 1, 2].map((i) => {
      const v = (c[i] as number) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [lum(x), lum(y)].sort((a, b) => b - a) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const HIGH_CONTRAST_CSS = `:root { --vscode-foreground: #ffffff; --vscode-editor-background: #000000; --vscode-descriptionForeground: #ffffff;
  --vscode-charts-green: #89d185; --vscode-charts-red: #f48771; --vscode-contrastBorder: #6fc3df; --vscode-button-background: #000000; --vscode-button-foreground: #ffffff; }`;

describe('the cross-verification heatmap in Chromium (light, dark and high-contrast themes)', function () {
  this.timeout(120000);
  const suite = folderAndServerPerSuite({ respond: strongWeakResponder });
  let matrix: CrossMatrix;

  before(async () => {
    const tasks = join(suite.dir, 'tasks.jsonl');
    writeTasks(tasks, 6);
    const model = (name: string): string => `openai:${name}@${suite.server.url}`;
    const cli = async (args: string[]): Promise<void> => assert.equal((await runCli(args, { env: cleanEnv(suite.dir) })).code, 0);
    for (const name of ['strong', 'weak']) await cli(['run', '--tasks', tasks, '--model', model(name), '-n', '4', '--verifier', 'mc', '--filter', 'threshold:0.5', '--out', join(suite.dir, name), '--no-cache']);
    await cli(['reverify', join(suite.dir, 'strong'), '--model', model('weak'), '--verifier', 'mc', '--no-cache']);
    matrix = await crossMatrix([join(suite.dir, 'strong'), join(suite.dir, 'weak')], { verifier: undefined, filter: undefined, resamples: 200, seed: 0 }, () => undefined);
  });

  for (const theme of ['dark', 'light', 'high-contrast'] as const) {
    it(`${theme}: ${theme === 'high-contrast' ? 'no tint, the text alone' : 'green above 0, red below, text readable on the tint'}`, async () => {
      const nonce = 'test-nonce';
      const vars = theme === 'high-contrast' ? HIGH_CONTRAST_CSS : themeCss(theme);
      // VS Code injects the theme's variables and its body class into every webview.
      const page = compareHtml([], { cspSource: 'http://127.0.0.1', nonce }, { matrix })
        .replace('</head>', `<style nonce="${nonce}">${vars}</style></head>`)
        .replace('<body>', `<body class="${theme === 'high-contrast' ? 'vscode-high-contrast' : `vscode-${theme}`}">`);
      const browser = await launchBrowser();
      try {
        const tab = await browser.newPage();
        await tab.setContent(page);
        const cells = await tab.evaluate(() => {
          const body = getComputedStyle(document.body);
          return {
            page: body.backgroundColor,
            cells: Array.from(document.querySelectorAll('.matrix td')).map((td) => ({ cls: td.className, text: td.textContent ?? '', bg: getComputedStyle(td).backgroundColor, color: getComputedStyle(td).color })),
          };
        });
        const pageBg = parseColor(cells.page);
        assert.equal(cells.cells.length, 4);
        const [ss, sw, ws, ww] = cells.cells as [(typeof cells.cells)[0], (typeof cells.cells)[0], (typeof cells.cells)[0], (typeof cells.cells)[0]];
        assert.deepEqual([ss.cls, sw.cls, ws.cls, ww.cls], ['heat heat-p4', 'heat heat-n4', 'empty', 'heat heat-n4']);
        assert.match(ss.text, /\+37\.50 pp/);
        assert.match(sw.text, /−62\.50 pp/);
        assert.match(ws.text, /^\s*—/);
        for (const cell of [ss, sw, ww]) {
          const tint = over(parseColor(cell.bg), pageBg);
          if (theme === 'high-contrast') {
            assert.equal(parseColor(cell.bg)[3], 0, `${cell.cls} is tinted in high contrast: ${cell.bg}`);
            continue;
          }
          const [r, g] = tint;
          if (cell.cls.includes('heat-p')) assert.ok(g > r, `a positive gap is green-tinted: ${cell.bg}`);
          else assert.ok(r > g, `a negative gap is red-tinted: ${cell.bg}`);
          const ratio = contrast(over(parseColor(cell.color), tint), tint);
          assert.ok(ratio >= 4.5, `${theme} ${cell.cls}: text ${cell.color} on ${cell.bg} has contrast ${ratio.toFixed(2)} < 4.5`);
        }
        assert.equal(parseColor(ws.bg)[3], 0, 'a missing cell has no colour');
      } finally {
        await browser.close();
      }
    });
  }
});
