// Browser checks on a running code-server workbench (playwright-core page): what a person sees when using the
// extension. Called by scripts/e2e.mjs after the extension-host suite; every check saves a screenshot to
// test-results/ (and one named e2e-failed-… when it fails) and reports through `record(name, ok, error)`.
//
// The checks type into ui.socket from client/test/fixtures/workspace (a copy of it, made by the script):
//   Quick Open → the squiggles of an inline comment and of a bad value typed in → the hover on a squiggle →
//   the suggest widget while typing "Listen" → the documentation hover on ListenStream → Ctrl+. quick fix.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const UI_TIMEOUT_MS = 20_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs every browser check on `page` (the workbench, with the fixtures folder open). `root` is the repository
 * (screenshot paths are printed relative to it), `resultsDir` where screenshots go.
 */
const activeEditor = (page) => page.locator('.editor-group-container.active .monaco-editor').first();

/** The active editor's lines in visual order (Monaco reuses line nodes, so DOM order is not line order). */
async function editorLines(page) {
  return activeEditor(page)
    .locator('.view-lines')
    .evaluate((el) =>
      [...el.querySelectorAll('.view-line')]
        .map((l) => ({ top: parseFloat(l.style.top) || 0, text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text),
    );
}

/** The line element showing `text` in the active editor. */
function lineWith(page, text) {
  return activeEditor(page).locator('.view-line', { hasText: text }).first();
}

/** Polls `fn` (which throws while not yet true) until the deadline. */
async function eventually(fn, what, timeoutMs = UI_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`${what}: ${e.message}`);
      await sleep(150);
    }
  }
}

/** The squiggle (warning or error) drawn on the line showing `text`, found by vertical position. */
async function squiggleOn(page, text) {
  const lineTop = (await lineWith(page, text).boundingBox()).y;
  const squiggles = activeEditor(page).locator('.squiggly-warning, .squiggly-error');
  for (const s of await squiggles.all()) {
    const box = await s.boundingBox();
    if (box && Math.abs(box.y - lineTop) < 4) return box;
  }
  return undefined;
}

/** Where the token `token` is drawn on the line showing `text` (Monaco draws each token as its own span). */
async function tokenBox(page, text, token) {
  const span = lineWith(page, text).locator('span > span', { hasText: token }).first();
  return span.boundingBox();
}

/**
 * Runs every browser check on `page` (the workbench, with the fixtures folder open). `root` is the repository
 * (screenshot paths are printed relative to it), `resultsDir` where screenshots go.
 */
export async function browserChecks(page, { record, root, resultsDir }) {
  async function shot(page, name) {
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `e2e-${name}.png`);
    await page.screenshot({ path: file });
    return relative(root, file);
  }

  async function check(page, name, fn) {
    try {
      const screenshot = await fn();
      record(`browser: ${name}${screenshot ? ` (${screenshot})` : ''}`, true);
    } catch (e) {
      let extra = '';
      try {
        extra = `\n(screenshot: ${await shot(page, `failed-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`)})`;
      } catch {}
      record(`browser: ${name}`, false, `${e.message.split('\n')[0]}${extra}`);
      // Leave no menu or widget open for the next check.
      await page.keyboard.press('Escape').catch(() => {});
      await page.keyboard.press('Escape').catch(() => {});
    }
  }

  const editor = activeEditor(page);

  await check(page, 'Quick Open (Ctrl+P) opens ui.socket in an editor', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await input.fill('ui.socket');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'ui.socket' }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'ui.socket' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await lineWith(page, 'ListenStream=8082').waitFor({ timeout: UI_TIMEOUT_MS });
    return shot(page, '01-quick-open');
  });

  await check(page, 'a warning squiggle appears under the inline comment, and one under a bad value typed in', async () => {
    await eventually(async () => {
      if (!(await squiggleOn(page, 'ListenStream=8082 # http'))) throw new Error('no squiggle on the inline comment line yet');
    }, 'the squiggle of the inline comment');
    const before = await editor.locator('.squiggly-warning').count();
    // Type a bad value on the blank last line: Ctrl+End, then the text, then Escape so no suggestion is accepted.
    await lineWith(page, 'ListenStream=8082').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('Backlog=lots', { delay: 10 });
    await page.keyboard.press('Escape');
    await lineWith(page, 'Backlog=lots').waitFor({ timeout: UI_TIMEOUT_MS });
    await eventually(async () => {
      const now = await editor.locator('.squiggly-warning').count();
      if (now <= before) throw new Error(`${now} warning squiggles, expected more than ${before}`);
      // The new squiggle is on the Backlog line (its top is the line's top), not a leftover of the typing.
      if (!(await squiggleOn(page, 'Backlog=lots'))) throw new Error('no squiggle on the Backlog line yet');
    }, 'a new squiggle under Backlog=lots');
    return shot(page, '02-squiggles');
  });

  await check(page, 'hovering the squiggle shows the diagnostic message', async () => {
    const box = await squiggleOn(page, 'Backlog=lots');
    if (!box) throw new Error('no squiggle on the Backlog line');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'Backlog' });
    await eventually(async () => {
      const text = await hover.first().innerText({ timeout: 1000 });
      if (!/Backlog=lots/.test(text) || !/invalid-value/.test(text)) throw new Error(`hover says: ${text}`);
    }, 'the hover with the invalid-value message');
    const screenshot = await shot(page, '03-diagnostic-hover');
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    return screenshot;
  });

  await check(page, 'typing "Listen" in [Socket] opens the suggest widget with ListenStream', async () => {
    await lineWith(page, 'Backlog=lots').click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Listen', { delay: 40 });
    const widget = page.locator('.editor-widget.suggest-widget.visible');
    await widget.waitFor({ timeout: UI_TIMEOUT_MS });
    await widget.locator('.monaco-list-row', { hasText: 'ListenStream' }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    const screenshot = await shot(page, '04-completion');
    await page.keyboard.press('Escape');
    return screenshot;
  });

  await check(page, 'hovering ListenStream shows its documentation and the man-page link', async () => {
    const box = await tokenBox(page, 'ListenStream=8082', /^ListenStream$/);
    if (!box) throw new Error('ListenStream is not drawn as a token of its own');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover:not(.hidden)');
    await eventually(async () => {
      const text = await hover.first().innerText({ timeout: 1000 });
      if (!/ListenStream/.test(text)) throw new Error(`hover says: ${text}`);
      const hrefs = await hover.first().locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('data-href') ?? a.getAttribute('href') ?? ''));
      if (!hrefs.some((h) => h.includes('systemd.socket.html#ListenStream='))) throw new Error(`links: ${hrefs.join(', ')}`);
    }, 'the ListenStream hover');
    const screenshot = await shot(page, '05-hover');
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    return screenshot;
  });

  await check(page, 'Ctrl+. on the inline comment offers "Move the comment to its own line" and applying it repairs the line', async () => {
    await page.keyboard.press('Escape');
    const line = lineWith(page, 'ListenStream=8082 # http');
    await line.click();
    await page.keyboard.press('End');
    await page.keyboard.press('Control+.');
    const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Move the comment to its own line' }).first();
    await item.waitFor({ timeout: UI_TIMEOUT_MS });
    const menuShot = await shot(page, '06-quick-fix-menu');
    // Choose it with the keyboard, as a person does after Ctrl+. (the menu's rows do not take synthetic clicks).
    await eventually(async () => {
      const focused = await page.locator('.action-widget .monaco-list-row.focused').first().innerText({ timeout: 1000 });
      if (!focused.includes('Move the comment to its own line')) {
        await page.keyboard.press('ArrowDown');
        throw new Error(`focused: ${focused}`);
      }
    }, 'the quick fix focused in the menu');
    await page.keyboard.press('Enter');
    await eventually(async () => {
      const lines = await editorLines(page);
      const i = lines.indexOf('# http');
      if (i < 0 || lines[i + 1] !== 'ListenStream=8082') throw new Error(`editor shows:\n${lines.join('\n')}`);
    }, 'the comment on its own line');
    await eventually(async () => {
      // Only the Backlog=lots squiggle (and the partial "Listen" line) may remain; none on the ListenStream line.
      if (await squiggleOn(page, 'ListenStream=8082')) throw new Error('a squiggle is still on the ListenStream line');
    }, 'the squiggle on the repaired line to go away');
    return `${menuShot}, ${await shot(page, '07-quick-fix-applied')}`;
  });
}

