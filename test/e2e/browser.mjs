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
  // A short timeout: Monaco redraws lines (e.g. when code lenses come back after an edit), and callers
  // poll with eventually(); a call waiting the default 30 s for one redrawn line would outlast their deadline.
  const lineTop = (await lineWith(page, text).boundingBox({ timeout: 2000 })).y;
  const squiggles = activeEditor(page).locator('.squiggly-warning, .squiggly-error');
  for (const s of await squiggles.all()) {
    const box = await s.boundingBox({ timeout: 2000 });
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
 * `shot(page, name)` → test-results/PREFIX-NAME.png (PREFIX: e2e, or web for the web worker host);
 * `check(page, name, fn)` records fn's outcome as "LABEL: name" (and a failure screenshot).
 */
function checker({ record, root, resultsDir, prefix = 'e2e', label = 'browser' }) {
  async function shot(page, name) {
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `${prefix}-${name}.png`);
    await page.screenshot({ path: file });
    return relative(root, file);
  }

  async function check(page, name, fn) {
    try {
      const screenshot = await fn();
      record(`${label}: ${name}${screenshot ? ` (${screenshot})` : ''}`, true);
    } catch (e) {
      let extra = '';
      try {
        extra = `\n(screenshot: ${await shot(page, `failed-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`)})`;
      } catch {}
      record(`${label}: ${name}`, false, `${e.message.split('\n')[0]}${extra}`);
      // Leave no menu or widget open for the next check.
      await page.keyboard.press('Escape').catch(() => {});
      await page.keyboard.press('Escape').catch(() => {});
    }
  }

  return { shot, check };
}

/**
 * Runs every browser check on `page` (the workbench, with the fixtures folder open). `root` is the repository
 * (screenshot paths are printed relative to it), `resultsDir` where screenshots go.
 */
export async function browserChecks(page, { record, root, resultsDir, prefix, label }) {
  const { shot, check } = checker({ record, root, resultsDir, prefix, label });
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
    // Polled: Monaco may be redrawing the lines (code lenses, the lightbulb) right after the last check.
    const box = await eventually(async () => {
      const found = await squiggleOn(page, 'Backlog=lots');
      if (!found) throw new Error('no squiggle on the Backlog line');
      return found;
    }, 'the squiggle under Backlog=lots');
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


/**
 * The Socket Units view (sockact.sockets) in the Explorer: its pane, the host of sockact.deploy.hosts as a
 * node (`host`, the isolated systemd's ssh alias), and under it what `sockact list-sockets` found there:
 * the deployed socket's address (`deployed.port`), unless the CLI in this build has no list-sockets yet
 * (then the node's "cannot list: … unknown command" child is accepted and said so).
 */
export async function socketUnitsViewCheck(page, { record, root, resultsDir, host, deployed }) {
  const { shot, check } = checker({ record, root, resultsDir });
  if (!host) {
    console.log('  - browser: the Socket Units view lists the isolated host (skipped: no isolated systemd)');
    return;
  }
  await check(page, `the Socket Units view in the Explorer shows the host ${host} and the socket deployed there`, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+E');
    const explorer = page.locator('#workbench\\.view\\.explorer');
    const header = explorer.locator('.pane-header', { hasText: 'Socket Units' }).first();
    await header.waitFor({ timeout: UI_TIMEOUT_MS });
    // Room for the view: the other Explorer sections (the folder, Outline, Timeline) collapsed.
    for (const other of await explorer.locator('.pane-header[aria-expanded="true"]').all()) {
      if (!/socket units/i.test(await other.innerText())) await other.click();
    }
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    // `has` takes a locator relative to the pane: not one that starts at the Explorer.
    const pane = explorer.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Socket Units' }) });
    await pane.locator('.monaco-list-row', { hasText: host }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    const address = deployed ? `127.0.0.1:${deployed.port}` : undefined;
    let note = '';
    await eventually(async () => {
      const rows = (await pane.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      if (address && rows.some((r) => r.includes(address) && r.includes(deployed.unit))) return;
      const unknown = rows.find((r) => /unknown command 'list-sockets'/.test(r));
      if (unknown) {
        note = ` [this build's CLI has no list-sockets: "${unknown}"]`;
        return;
      }
      // The list only draws the rows in sight: scroll on, in case the socket is further down.
      const list = pane.locator('.monaco-list').first();
      const box = await list.boundingBox();
      if (box) {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.wheel(0, 120);
      }
      throw new Error(`rows: ${rows.join(' | ')}`);
    }, `the host's socket ${address ?? ''} in the view`, 60_000);
    // A wider side bar for the screenshot (descriptions readable): drag its edge, then the mouse off the
    // list so no hover tooltip covers it.
    const sidebar = await page.locator('#workbench\\.parts\\.sidebar').boundingBox();
    if (sidebar) {
      await page.mouse.move(sidebar.x + sidebar.width + 1, sidebar.y + sidebar.height / 2);
      await page.mouse.down();
      await page.mouse.move(sidebar.x + sidebar.width + 340, sidebar.y + sidebar.height / 2, { steps: 8 });
      await page.mouse.up();
    }
    await page.mouse.move(1200, 600);
    const screenshot = await shot(page, '09-socket-units-view');
    return `${screenshot}${note}`;
  });

  await check(page, `"Deploy Unit…" from the command palette on web.socket offers the user manager, the system manager and ${host}`, async () => {
    const input = page.locator('.quick-input-widget input');
    const step = (what, locator) => locator.waitFor({ timeout: UI_TIMEOUT_MS }).catch((e) => Promise.reject(new Error(`${what}: ${e.message.split('\n')[0]}`)));
    // Focus back in the workbench (the tree of the last check had it), then Quick Open. Once the suite has
    // opened files, Quick Open first shows its history and then redraws with the search results: an Enter
    // in between opens nothing, so the whole step is tried again until web.socket is the active tab.
    await activeEditor(page).click();
    await eventually(async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+P');
      await input.waitFor({ state: 'visible', timeout: 2000 });
      await input.fill('web.socket');
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'web.socket' }).first().waitFor({ timeout: 3000 });
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: 'web.socket' }).waitFor({ timeout: 3000 });
    }, 'web.socket opened with Quick Open');
    await eventually(async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 2000 });
    }, 'the command palette');
    await input.fill('>Socket Activation: Deploy Unit');
    await step('the command in the palette', page.locator('.quick-input-list .monaco-list-row', { hasText: 'Deploy Unit' }).first());
    await page.keyboard.press('Enter');
    await step('the target picker', page.locator('.quick-input-widget .quick-input-title', { hasText: 'Deploy web.socket' }));
    for (const label of ['User manager', 'System manager', host]) {
      await step(`${label} in the picker`, page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first());
    }
    const screenshot = await shot(page, '10-deploy-target-picker');
    await page.keyboard.press('Escape');
    return screenshot;
  });
}


/**
 * The web build in code-server's web worker extension host (scripts/e2e.mjs starts a second code-server
 * whose user settings put sockact.sockact there with remote.extensionKind: ["web"]). First the proof that it
 * runs there and not in the Node host: the output channel's first line, written by browserExtension.ts from
 * what it sees (a WorkerGlobalScope, no Node process), and the language status naming what the web leaves
 * out. Then the same squiggle / hover / completion / quick fix checks as on the Node host, screenshots
 * web-*.png, and the palette without the desktop-only commands.
 */
export async function webChecks(page, { record, root, resultsDir }) {
  const label = 'web worker host';
  const { shot, check } = checker({ record, root, resultsDir, prefix: 'web', label });
  const input = page.locator('.quick-input-widget input');

  await browserChecks(page, { record, root, resultsDir, prefix: 'web', label });

  await check(page, 'the language status says the server runs in a web worker and names what the web leaves out', async () => {
    await page.keyboard.press('Escape');
    await activeEditor(page).click();
    await page.locator('#status\\.languageStatus').first().hover();
    const hover = page.locator('.context-view, .monaco-hover:not(.hidden)').filter({ hasText: 'sockact (web)' }).first();
    await eventually(async () => {
      const text = await hover.innerText({ timeout: 1000 });
      if (!/open files only · no local systemd · no run\/deploy/.test(text)) throw new Error(`language status: ${text}`);
      // The target version on the web: the setting, else the newest the catalog knows, and the status says so.
      if (!/systemd \d+/.test(text) || !/newest known; the web has no local systemd/.test(text)) throw new Error(`target version: ${text}`);
    }, 'the web language status');
    const screenshot = await shot(page, '08-language-status');
    await page.mouse.move(600, 400);
    return screenshot;
  });

  await check(page, 'the output channel says the extension host is a web worker (WorkerGlobalScope, no Node process)', async () => {
    await eventually(async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 2000 });
    }, 'the command palette');
    await input.fill('>Socket Activation: Show output');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show output' }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await page.keyboard.press('Enter');
    const output = page.locator('.part.panel .monaco-editor .view-lines').first();
    await eventually(async () => {
      const text = (await output.innerText({ timeout: 1000 })).replace(/\u00a0/g, ' ');
      if (!/extension host: web worker \(WorkerGlobalScope, no Node process/.test(text)) throw new Error(`output: ${text.slice(0, 300)}`);
    }, 'the host line in the output channel');
    return shot(page, '09-output-host');
  });

  await check(page, 'the command palette offers the language commands but not the desktop-only ones (deploy, activation)', async () => {
    await eventually(async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 2000 });
    }, 'the command palette');
    await input.fill('>Socket Activation');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Choose the target systemd version' }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    const desktopOnly = rows.filter((r) => /Deploy Unit|Run with Socket Activation|Verify Activation|Undeploy/.test(r));
    if (desktopOnly.length) throw new Error(`the palette offers desktop-only commands on the web: ${desktopOnly.join(' | ')}`);
    const screenshot = await shot(page, '10-palette');
    await page.keyboard.press('Escape');
    return screenshot;
  });

  await check(page, 'a desktop-only command called anyway (Ctrl+Alt+Shift+D, bound to sockact.activationMenu) says in one line why it cannot run', async () => {
    // scripts/e2e.mjs writes that keybinding into the web profile: the command has no enablement (it is the
    // status bar's), so the handler itself must answer.
    await page.keyboard.press('Escape');
    await activeEditor(page).click();
    await page.keyboard.press('Control+Alt+Shift+D');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'not available on the web' }).first();
    await toast.waitFor({ timeout: UI_TIMEOUT_MS });
    await sleep(500); // the toast slides in: the screenshot after it has
    const text = (await toast.innerText()).split('\n')[0];
    if (!/^Socket Activation: this command is not available on the web: it needs a local disk and processes/.test(text)) throw new Error(`notification: ${text}`);
    return shot(page, '11-desktop-only-command');
  });

  await check(page, 'after "Restart language server" a fresh worker answers: a bad value typed then gets its squiggle', async () => {
    await eventually(async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 2000 });
    }, 'the command palette');
    await input.fill('>Socket Activation: Restart language server');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Restart language server' }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await page.keyboard.press('Enter');
    await lineWith(page, 'ListenStream=8082').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Accept=perhaps', { delay: 10 });
    await page.keyboard.press('Escape');
    await eventually(async () => {
      if (!(await squiggleOn(page, 'Accept=perhaps'))) throw new Error('no squiggle on the Accept line yet');
    }, 'a squiggle under Accept=perhaps after the restart');
    return shot(page, '12-after-restart');
  });
}

/**
 * "Show Dependency Graph" from the command palette on graph/shop.service: the webview panel draws the
 * graph (nodes of the socket that starts it and of the missing cache.service), a screenshot goes to
 * test-results/e2e-12-dependency-graph.png, "Depth 2" adds what the neighbours name, and a click on the shop.socket node
 * opens that unit file in an editor.
 */
export async function dependencyGraphCheck(page, { record, root, resultsDir }) {
  const { shot, check } = checker({ record, root, resultsDir });
  await check(page, 'Show Dependency Graph draws the graph of shop.service, and a click on shop.socket opens it', async () => {
    const input = page.locator('.quick-input-widget input');
    await activeEditor(page).click().catch(() => {});
    await eventually(async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+P');
      await input.waitFor({ state: 'visible', timeout: 2000 });
      await input.fill('graph/shop.service');
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'shop.service' }).first().waitFor({ timeout: 3000 });
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: 'shop.service' }).waitFor({ timeout: 3000 });
    }, 'shop.service opened with Quick Open');
    await eventually(async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 2000 });
      await input.fill('>Socket Activation: Show Dependency Graph');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Dependency Graph' }).first().waitFor({ timeout: 3000 });
      await page.keyboard.press('Enter');
      await page.locator('.tab', { hasText: 'Dependencies: shop.service' }).first().waitFor({ timeout: 5000 });
    }, 'the command from the palette and its panel');
    // The webview is an iframe holding the page's own iframe (VS Code's webview host).
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const socket = frame.locator('[data-node][data-name="shop.socket"]');
    await socket.waitFor({ timeout: UI_TIMEOUT_MS });
    await frame.locator('[data-node][data-name="cache.service"].found-missing').waitFor({ timeout: UI_TIMEOUT_MS });
    const edges = await frame.locator('.edge').count();
    if (edges < 5) throw new Error(`only ${edges} edges drawn`);
    const graphShot = await shot(page, '12-dependency-graph');
    // Depth 2 adds what the neighbours name: shop.socket's WantedBy=sockets.target.
    await frame.locator('button[data-action="depth"][data-depth="2"]').click();
    await frame.locator('[data-node][data-name="sockets.target"]').waitFor({ timeout: UI_TIMEOUT_MS });
    await socket.click();
    await page.locator('.tab.active', { hasText: 'shop.socket' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await lineWith(page, 'ListenStream=9100').waitFor({ timeout: UI_TIMEOUT_MS });
    return graphShot;
  });
}

/**
 * The getting-started walkthrough (contributes.walkthroughs): opened from the command palette as a new user
 * finds it, its steps shown with their titles, and its first step's button writing a socket and a service.
 */
export async function walkthroughCheck(page, { record, root, resultsDir }) {
  const { shot, check } = checker({ record, root, resultsDir });
  await check(page, 'the "Get started with socket activation" walkthrough opens from the palette and lists its steps', async () => {
    const input = page.locator('.quick-input-widget input');
    await eventually(async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 2000 });
    }, 'the command palette');
    // A clean workbench for the screenshot: no editors beside it.
    await input.fill('>View: Close All Editors');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Close All Editors' }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await page.keyboard.press('Enter');
    await eventually(async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 2000 });
    }, 'the command palette again');
    await input.fill('>Welcome: Open Walkthrough');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Walkthrough' }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await page.keyboard.press('Enter');
    await input.fill('Get started with socket activation');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with socket activation' }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await page.keyboard.press('Enter');
    const pageRoot = page.locator('.gettingStartedContainer');
    for (const title of ['Write a socket unit', 'See what systemd will do with it', 'Run it with socket activation', 'Deploy it and prove it works']) {
      await pageRoot.locator('.getting-started-step', { hasText: title }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    }
    // The first step's media is its markdown: wait for the rendered text, then the shot.
    await eventually(async () => {
      const frames = page.frames().filter((f) => f !== page.mainFrame());
      for (const f of frames) {
        if (await f.locator('text=Socket activation splits a daemon').count().catch(() => 0)) return;
      }
      throw new Error('the step text is not rendered yet');
    }, 'the first step\'s markdown');
    await page.mouse.move(1200, 700);
    return shot(page, '11-walkthrough');
  });
}
