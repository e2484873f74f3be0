/**
 * The server fuzzer (issue 13): real unit files mutated, edits legal and out of range, every request kind
 * the server advertises at positions inside and outside the text, cancellations, malformed params and two
 * documents at once, all over stdio against the bundled server. Every answer is checked against the
 * protocol's rules with the fuzzer's own text model (model.ts), and after the last edit the published
 * diagnostics must equal a fresh lint of the final text. Used by test/fuzz.test.ts (a short seeded pass)
 * and scripts/fuzz.ts (`npm run fuzz`, minutes long, prints the figures).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import type { Diagnostic } from 'vscode-languageserver-types';
import { residentMb, startLspServer, type LspSession } from '../helpers/lspServer';
import { REPO_ROOT } from '../helpers/cli';
import { prng } from '../helpers/random';
import { applyChange, clamp, contains, isCount, lineStarts, rangeContains, rangeInside, type Pos, type Rng } from './model';

// ------------------------------------------------------------------------------------------------ random

export class Random {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ------------------------------------------------------------------------------------------------ seeds

const UNIT_FILE = /\.(socket|service|timer|path|mount|automount|swap|slice|target|conf)$/;

function unitFilesUnder(dir: string, out: string[], limit: number): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    if (out.length >= limit) return;
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (st.isDirectory()) unitFilesUnder(path, out, limit);
    else if (st.isFile() && UNIT_FILE.test(name) && st.size < 64 * 1024) out.push(readFileSync(path, 'utf8'));
  }
}

/** Real units: the examples, the test fixtures, and what this machine has installed. */
export function seedUnits(): string[] {
  const out: string[] = [];
  unitFilesUnder(join(REPO_ROOT, 'examples'), out, 100);
  unitFilesUnder(join(REPO_ROOT, 'test', 'fixtures'), out, 400);
  unitFilesUnder('/usr/lib/systemd/system', out, 600);
  return out.length ? out : ['[Socket]\nListenStream=8080\n'];
}

/** Pieces systemd's reader treats specially, for insertions. */
export const PIECES = [
  '\n', '\r\n', '\r', '\\\n', '\\', '=', ' = ', '[', ']', '[Socket]\n', '[Service]\n', '[Unit]\n', '[Install]\n', '#', ';', '%', '%i', '%n',
  '$', '"', "'", ' ', '\t', '\0', '\uFEFF', 'é', '\uFFFD', '😀', '\ud800', 'ListenStream=', 'Accept=yes', 'Service=', 'Requires=',
  'ExecStart=/usr/bin/', '8080', '[::]:80', '/run/x.sock', 'yes', 'no', '-', '@', '.service', 'kresd@%i.service', 'x'.repeat(200),
];

export function randomInsert(r: Random): string {
  let s = '';
  const n = 1 + r.int(4);
  for (let i = 0; i < n; i++) s += r.chance(0.8) ? r.pick(PIECES) : String.fromCharCode(r.int(0x3000));
  return s;
}

/** A real unit with a few mutations: lines dropped, duplicated, swapped, characters inserted. */
export function mutate(r: Random, text: string, rounds = 1 + r.int(6)): string {
  let lines = text.split('\n');
  for (let i = 0; i < rounds; i++) {
    const at = r.int(lines.length + 1);
    switch (r.int(5)) {
      case 0:
        lines.splice(at, 1);
        break;
      case 1:
        if (lines[at] !== undefined) lines.splice(at, 0, lines[at]);
        break;
      case 2: {
        const b = r.int(lines.length);
        if (lines[at] !== undefined) [lines[at], lines[b]] = [lines[b], lines[at]];
        break;
      }
      default: {
        const line = lines[at] ?? '';
        const c = r.int(line.length + 1);
        lines[Math.min(at, lines.length)] = line.slice(0, c) + randomInsert(r) + line.slice(c);
      }
    }
  }
  lines = lines.slice(0, 2000);
  // Mostly LF; CRLF and bare CR (which LSP counts as a line break and systemd does not) now and then.
  return lines.join(r.chance(0.8) ? '\n' : r.chance(0.5) ? '\r\n' : '\r');
}

// ------------------------------------------------------------------------------------------------ checks

export interface Figures {
  requests: number;
  edits: number;
  documents: number;
  violations: string[];
  crashes: number;
  /** Round trips over 1 s, and the slowest. */
  slow: number;
  maxLatencyMs: number;
  maxRssMb: number;
}

export function emptyFigures(): Figures {
  return { requests: 0, edits: 0, documents: 0, violations: [], crashes: 0, slow: 0, maxLatencyMs: 0, maxRssMb: 0 };
}

type Check = (result: unknown, text: string, uri: string, position: Pos | undefined) => string | undefined;

function eachEditOf(edit: unknown, uri: string, text: string): string | undefined {
  const e = edit as { changes?: Record<string, unknown[]>; documentChanges?: Array<{ textDocument?: { uri: string }; edits?: unknown[] }> } | null;
  if (!e) return undefined;
  const mine: unknown[] = [...(e.changes?.[uri] ?? []), ...(e.documentChanges ?? []).filter((c) => c.textDocument?.uri === uri).flatMap((c) => c.edits ?? [])];
  for (const te of mine) if (!rangeInside(text, (te as { range?: unknown }).range)) return `an edit outside the document: ${JSON.stringify(te)}`;
  const sorted = mine.map((te) => (te as { range: Rng }).range).sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1].end;
    const cur = sorted[i].start;
    if (cur.line < prev.line || (cur.line === prev.line && cur.character < prev.character)) return `overlapping edits in one change: ${JSON.stringify(sorted.slice(i - 1, i + 1))}`;
  }
  return undefined;
}

function symbolsOk(symbols: unknown[], text: string, parent?: Rng): string | undefined {
  for (const s of symbols as Array<{ range: Rng; selectionRange: Rng; children?: unknown[]; name?: unknown }>) {
    if (typeof s.name !== 'string' || s.name === '') return `a symbol without a name: ${JSON.stringify(s)}`;
    if (!rangeInside(text, s.range) || !rangeInside(text, s.selectionRange)) return `a symbol outside the document: ${JSON.stringify(s)}`;
    if (!rangeContains(s.range, s.selectionRange)) return `selectionRange outside range: ${JSON.stringify(s)}`;
    if (parent && !rangeContains(parent, s.range)) return `a child symbol outside its parent: ${JSON.stringify(s)}`;
    const inner = s.children && symbolsOk(s.children, text, s.range);
    if (inner) return inner;
  }
  return undefined;
}

const CHECKS: Record<string, Check> = {
  'textDocument/completion': (result, text, _uri, p) => {
    const items = Array.isArray(result) ? result : (result as { items?: unknown[] } | null)?.items ?? [];
    for (const item of items as Array<{ label?: unknown; textEdit?: { range?: Rng; insert?: Rng; replace?: Rng } }>) {
      if (typeof item.label !== 'string') return `a completion item without a label`;
      const te = item.textEdit;
      if (!te) continue;
      for (const r of [te.range, te.insert, te.replace].filter((x): x is Rng => x !== undefined)) {
        if (!rangeInside(text, r)) return `completion edit outside the document: ${JSON.stringify(r)}`;
        if (r.start.line !== r.end.line) return `completion edit over two lines: ${JSON.stringify(r)}`;
        if (p && !contains(r, p)) return `completion edit not holding the cursor ${JSON.stringify(p)}: ${JSON.stringify(r)}`;
      }
    }
    return undefined;
  },
  'textDocument/hover': (result, text) => {
    const h = result as { contents?: unknown; range?: Rng } | null;
    if (h === null) return undefined;
    if (h.contents === undefined) return 'a hover without contents';
    return h.range && !rangeInside(text, h.range) ? `hover range outside the document: ${JSON.stringify(h.range)}` : undefined;
  },
  'textDocument/codeAction': (result, text, uri) => {
    for (const a of (result as Array<{ title?: unknown; edit?: unknown }>) ?? []) {
      if (typeof a.title !== 'string') return 'a code action without a title';
      const bad = eachEditOf(a.edit, uri, text);
      if (bad) return `code action "${a.title}": ${bad}`;
    }
    return undefined;
  },
  'textDocument/documentSymbol': (result, text) => symbolsOk((result as unknown[]) ?? [], text),
  'textDocument/foldingRange': (result, text) => {
    const lines = lineStarts(text).length;
    for (const f of (result as Array<{ startLine: number; endLine: number }>) ?? []) {
      if (!isCount(f.startLine) || !isCount(f.endLine) || f.startLine > f.endLine || f.endLine >= lines) return `a folding range outside the document: ${JSON.stringify(f)}`;
    }
    return undefined;
  },
  'textDocument/documentLink': (result, text) => {
    for (const l of (result as Array<{ range: Rng }>) ?? []) if (!rangeInside(text, l.range)) return `a link outside the document: ${JSON.stringify(l)}`;
    return undefined;
  },
  'textDocument/codeLens': (result, text) => {
    for (const l of (result as Array<{ range: Rng }>) ?? []) if (!rangeInside(text, l.range)) return `a code lens outside the document: ${JSON.stringify(l)}`;
    return undefined;
  },
  'textDocument/definition': (result, text) => {
    for (const l of (result as Array<{ originSelectionRange?: Rng; targetUri?: string; uri?: string }>) ?? []) {
      if (typeof (l.targetUri ?? l.uri) !== 'string') return `a definition without a target: ${JSON.stringify(l)}`;
      if (l.originSelectionRange && !rangeInside(text, l.originSelectionRange)) return `definition origin outside the document: ${JSON.stringify(l)}`;
    }
    return undefined;
  },
  'textDocument/references': (result, text, uri) => {
    for (const l of (result as Array<{ uri: string; range: Rng }>) ?? []) {
      if (l.uri === uri && !rangeInside(text, l.range)) return `a reference outside the document: ${JSON.stringify(l)}`;
    }
    return undefined;
  },
  'textDocument/prepareRename': (result, text, _uri, p) => {
    const r = result as { range?: Rng; placeholder?: unknown; defaultBehavior?: unknown } | null;
    if (r === null || r.defaultBehavior !== undefined) return undefined;
    const range = r.range ?? (r as unknown as Rng);
    if (!rangeInside(text, range)) return `prepareRename range outside the document: ${JSON.stringify(r)}`;
    return p && !contains(range, p) ? `prepareRename range not holding the cursor ${JSON.stringify(p)}: ${JSON.stringify(r)}` : undefined;
  },
  'textDocument/rename': (result, text, uri) => eachEditOf(result, uri, text),
  'textDocument/formatting': (result, text, uri) => eachEditOf({ changes: { [uri]: result ?? [] } }, uri, text),
  'textDocument/rangeFormatting': (result, text, uri) => eachEditOf({ changes: { [uri]: result ?? [] } }, uri, text),
  'textDocument/onTypeFormatting': (result, text, uri) => eachEditOf({ changes: { [uri]: result ?? [] } }, uri, text),
  'textDocument/semanticTokens/range': (result) => CHECKS['textDocument/semanticTokens/full'](result, '', '', undefined),
  'textDocument/semanticTokens/full': (result) => {
    const data = (result as { data?: unknown } | null)?.data;
    return data === undefined || (Array.isArray(data) && data.length % 5 === 0 && data.every(isCount)) ? undefined : 'semantic tokens are not groups of five counts';
  },
};

/** The request kinds of CHECKS the server advertises. */
function advertised(capabilities: Record<string, unknown>): string[] {
  const map: Record<string, string> = {
    'textDocument/completion': 'completionProvider',
    'textDocument/hover': 'hoverProvider',
    'textDocument/codeAction': 'codeActionProvider',
    'textDocument/documentSymbol': 'documentSymbolProvider',
    'textDocument/foldingRange': 'foldingRangeProvider',
    'textDocument/documentLink': 'documentLinkProvider',
    'textDocument/codeLens': 'codeLensProvider',
    'textDocument/definition': 'definitionProvider',
    'textDocument/references': 'referencesProvider',
    'textDocument/prepareRename': 'renameProvider',
    'textDocument/rename': 'renameProvider',
    'textDocument/formatting': 'documentFormattingProvider',
    'textDocument/rangeFormatting': 'documentRangeFormattingProvider',
    'textDocument/semanticTokens/full': 'semanticTokensProvider',
    'textDocument/semanticTokens/range': 'semanticTokensProvider',
    'textDocument/onTypeFormatting': 'documentOnTypeFormattingProvider',
  };
  return Object.keys(map).filter((m) => capabilities[map[m]]);
}

const NEEDS_POSITION = new Set(['textDocument/onTypeFormatting', 'textDocument/completion', 'textDocument/hover', 'textDocument/definition', 'textDocument/references', 'textDocument/prepareRename', 'textDocument/rename']);

// ------------------------------------------------------------------------------------------------ a session

const EXTENSIONS = ['socket', 'service', 'timer', 'path', 'mount', 'slice', 'target'];

interface Doc {
  uri: string;
  text: string;
  version: number;
}

function randomPosition(r: Random, text: string, outside: boolean): Pos {
  const starts = lineStarts(text);
  if (outside) return { line: starts.length + r.int(30), character: r.int(200) };
  const line = r.int(starts.length);
  const end = line + 1 < starts.length ? starts[line + 1] : text.length;
  return { line, character: r.int(end - starts[line] + 2) };
}

function randomRange(r: Random, text: string, outside: boolean): Rng {
  const a = randomPosition(r, text, outside);
  const b = r.chance(0.5) ? a : randomPosition(r, text, outside && r.chance(0.5));
  return { start: a, end: b };
}

export interface FuzzOptions {
  seed: number;
  /** Stop after this many scenarios, or when the deadline passes. */
  scenarios: number;
  deadline?: number;
  log?: (line: string) => void;
}

/** One server for all scenarios (a long life is part of what is tested), a fresh one after a crash. */
export async function fuzzServer(options: FuzzOptions): Promise<Figures> {
  const figures = emptyFigures();
  const r = new Random(prng(options.seed));
  const seeds = seedUnits();
  let server = await startLspServer({ systemdVersion: 252 }, { captureStderr: true, clientCapabilities: { textDocument: { rename: { prepareSupport: true } } } });
  const methods = advertised(server.capabilities);
  let counter = 0;
  const violation = (what: string) => {
    if (figures.violations.length < 50) figures.violations.push(what);
    options.log?.(`violation: ${what}`);
  };
  try {
    for (let n = 0; n < options.scenarios && (!options.deadline || Date.now() < options.deadline); n++) {
      if (server.hasExited()) {
        figures.crashes++;
        violation(`the server ended: ${server.stderr().slice(-500)}`);
        server = await startLspServer({ systemdVersion: 252 }, { captureStderr: true });
      }
      await scenario(server, r, seeds, methods, figures, violation, () => counter++);
      figures.maxRssMb = Math.max(figures.maxRssMb, residentMb(server.pid));
      if (/\n\s+at .+:\d+:\d+\)?\n/.test(server.stderr())) violation(`a stack trace on stderr: ${server.stderr().slice(-800)}`);
      // A handler that threw is logged by vscode-jsonrpc as "… failed with message: <the error's text>".
      for (const log of server.logs.splice(0)) if (/failed with message|TypeError|\bat .+:\d+:\d+/.test(log.message)) violation(`the server logged a failure: ${log.message.slice(0, 300)}`);
    }
  } finally {
    if (!server.hasExited()) await server.stop().catch(() => undefined);
  }
  return figures;
}

async function scenario(
  server: LspSession,
  r: Random,
  seeds: string[],
  methods: string[],
  figures: Figures,
  violation: (what: string) => void,
  nextId: () => number,
): Promise<void> {
  // Two documents in folders of their own, so neither is the other's partner and a fresh lint can match.
  const docs: Doc[] = [0, 1].map(() => {
    const id = nextId();
    const ext = r.pick(EXTENSIONS);
    return { uri: `file:///sockact-fuzz/${id}/unit${r.chance(0.2) ? '@' : ''}.${ext}`, text: mutate(r, r.pick(seeds)), version: 1 };
  });
  for (const d of docs) {
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: d.uri, languageId: 'systemd-unit-file', version: 1, text: d.text } });
    figures.documents++;
  }
  const steps = 10 + r.int(40);
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < steps; i++) {
    const d = r.pick(docs);
    const roll = r.next();
    if (roll < 0.4) {
      const outside = r.chance(0.15);
      const range = r.chance(0.05) ? undefined : randomRange(r, d.text, outside);
      const insert = r.chance(0.3) ? '' : randomInsert(r);
      // Now and then the same version again: the server must follow the text anyway.
      d.version += r.chance(0.1) ? 0 : 1;
      d.text = applyChange(d.text, range, insert);
      figures.edits++;
      await server.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: d.uri, version: d.version },
        contentChanges: [range ? { range, text: insert } : { text: insert }],
      });
    } else if (roll < 0.45) {
      pending.push(malformed(server, r, d, methods, violation));
    } else if (roll < 0.48) {
      await hostileNotification(server, r, d);
    } else {
      pending.push(request(server, r, d, methods, figures, violation));
    }
    if (pending.length > 8) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  for (const d of docs) await compareWithFreshLint(server, d, violation, nextId);
  for (const d of docs) await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri: d.uri } });
}

async function request(server: LspSession, r: Random, d: Doc, methods: string[], figures: Figures, violation: (what: string) => void): Promise<void> {
  const method = r.pick(methods);
  const text = d.text; // the text this request is answered on: the edits before it have been sent
  const outside = r.chance(0.1);
  const params: Record<string, unknown> = { textDocument: { uri: d.uri } };
  let position: Pos | undefined;
  if (NEEDS_POSITION.has(method)) {
    const p = randomPosition(r, text, outside);
    params.position = p;
    position = clamp(text, p);
  }
  if (method === 'textDocument/rename') params.newName = r.pick(['other.service', 'x', '', 'a b', 'new@.socket']);
  if (method === 'textDocument/references') params.context = { includeDeclaration: r.chance(0.5) };
  if (method === 'textDocument/codeAction') {
    params.range = r.chance(0.3) ? { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } } : randomRange(r, text, outside);
    params.context = { diagnostics: [] };
  }
  if (method === 'textDocument/rangeFormatting' || method === 'textDocument/semanticTokens/range') params.range = randomRange(r, text, outside);
  if (method === 'textDocument/onTypeFormatting') params.ch = r.pick(['=', '\n', 'x']);
  if (method.includes('ormatting')) params.options = { tabSize: 4, insertSpaces: true };
  const cancel = r.chance(0.1) ? new CancellationTokenSource() : undefined;
  const started = performance.now();
  const answer = server.connection.sendRequest(method, params, ...(cancel ? [cancel.token] : []));
  cancel?.cancel();
  figures.requests++;
  try {
    const result = await answer;
    const bad = CHECKS[method]?.(result, text, d.uri, position);
    if (bad) violation(`${method} ${JSON.stringify(params).slice(0, 300)}: ${bad}\n  text: ${JSON.stringify(text).slice(0, 400)}`);
  } catch (e) {
    const code = (e as { code?: number }).code;
    const allowed = (code === -32800 && cancel) || (code === -32803 && method === 'textDocument/rename');
    if (!allowed) violation(`${method} ${JSON.stringify(params).slice(0, 300)}: error ${code} ${(e as Error).message}`);
  } finally {
    const ms = performance.now() - started;
    figures.maxLatencyMs = Math.max(figures.maxLatencyMs, ms);
    if (ms > 1000) figures.slow++;
  }
}

/**
 * Notifications a confused client might send: for documents never opened, without text, with file events
 * and renames that make no sense. The server must keep running (checked after every scenario) and keep
 * its documents intact (the final comparison).
 */
async function hostileNotification(server: LspSession, r: Random, d: Doc): Promise<void> {
  const other = `${d.uri}.unopened.socket`;
  const [method, params] = r.pick<[string, unknown]>([
    ['textDocument/didChange', { textDocument: { uri: other, version: 9 }, contentChanges: [{ text: 'x' }] }],
    ['textDocument/didChange', { textDocument: null, contentChanges: [] }],
    ['textDocument/didClose', { textDocument: { uri: other } }],
    ['textDocument/didOpen', { textDocument: { uri: other, languageId: 'systemd-unit-file', version: 1, text: null } }],
    ['textDocument/didSave', { textDocument: { uri: d.uri } }],
    ['workspace/didChangeWatchedFiles', { changes: [{ uri: 'file:///sockact-fuzz/none/x.service', type: 3 }, { uri: 42, type: 9 }] }],
    ['workspace/didChangeWatchedFiles', { changes: null }],
    ['$/cancelRequest', { id: 999999 }],
    ['$/setTrace', { value: 'verbose' }],
  ]);
  await server.connection.sendNotification(method, params);
  if (method === 'textDocument/didOpen') await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri: other } });
}

/** A request missing what it needs: InvalidParams, never an internal error. */
async function malformed(server: LspSession, r: Random, d: Doc, methods: string[], violation: (what: string) => void): Promise<void> {
  const method = r.pick(methods.filter((m) => NEEDS_POSITION.has(m) || m === 'textDocument/codeAction'));
  if (!method) return;
  const params = r.pick<Record<string, unknown>>([{ textDocument: null }, { textDocument: { uri: d.uri } }, { textDocument: { uri: d.uri }, position: { line: 'a' } }, {}]);
  try {
    await server.connection.sendRequest(method, params);
    if (params.textDocument !== null && Object.keys(params).length) violation(`${method} ${JSON.stringify(params)}: answered without a position or range`);
  } catch (e) {
    const { code, message } = e as { code?: number; message?: string };
    if (code !== -32602) violation(`${method} ${JSON.stringify(params)}: error ${code} ${message} (InvalidParams expected)`);
    else if (/TypeError|Cannot read/.test(message ?? '')) violation(`${method}: InvalidParams with a raw message: ${message}`);
  }
}

const key = (d: Diagnostic) => JSON.stringify([d.range, d.severity, d.code, d.message]);

/**
 * After a last edit with a new version, the published diagnostics must be what a fresh document with the
 * final text (same file name, a folder of its own) gets.
 */
async function compareWithFreshLint(server: LspSession, d: Doc, violation: (what: string) => void, nextId: () => number): Promise<void> {
  d.version += 1;
  await server.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri: d.uri, version: d.version },
    contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '' }],
  });
  const fresh = d.uri.replace(/\/sockact-fuzz\/\d+\//, `/sockact-fuzz/${nextId()}/`);
  await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: fresh, languageId: 'systemd-unit-file', version: 1, text: d.text } });
  try {
    const [after, clean] = await Promise.all([server.diagnosticsFor(d.uri, d.version), server.diagnosticsFor(fresh, 1)]);
    const a = after.diagnostics.map(key).sort();
    const b = clean.diagnostics.map(key).sort();
    if (a.join('\n') !== b.join('\n')) {
      violation(`diagnostics after the edits differ from a fresh lint of the same text\n  text: ${JSON.stringify(d.text).slice(0, 400)}\n  after: ${a.slice(0, 3).join(' ')}\n  fresh: ${b.slice(0, 3).join(' ')}`);
    }
    for (const diag of after.diagnostics) if (!rangeInside(d.text, diag.range)) violation(`a diagnostic outside the document: ${JSON.stringify(diag.range)} in ${JSON.stringify(d.text).slice(0, 200)}`);
  } catch (e) {
    violation(`no diagnostics after the last edit of ${d.uri}: ${(e as Error).message}`);
  } finally {
    await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri: fresh } });
  }
}
