/**
 * Outline, folding and Documentation= links: pure functions over the parsed unit, checked with exact
 * ranges on small texts whose lines and columns are easy to count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FoldingRangeKind, SymbolKind, type Range } from 'vscode-languageserver-types';
import { defaultCatalog } from '../server/src/service/catalog';
import type { FeatureContext } from '../server/src/service/featureContext';
import { parseUnit } from '../server/src/service/parser';
import { unitContextFromUri } from '../server/src/service/unitContext';
import { findDocumentSymbols, SYMBOL_DETAIL_MAX } from '../server/src/service/symbols';
import { getFoldingRanges } from '../server/src/service/folding';
import { findDocumentLinks, isSystemdManPage, manPageTarget } from '../server/src/service/links';

const URI = 'file:///proj/web.socket';

function load(text: string) {
  const document = TextDocument.create(URI, 'systemd-unit-file', 1, text);
  return { document, unit: parseUnit(text) };
}

const r = (sl: number, sc: number, el: number, ec: number): Range => ({
  start: { line: sl, character: sc },
  end: { line: el, character: ec },
});

const catalog = defaultCatalog();
function ctx(): FeatureContext {
  return { catalog, context: unitContextFromUri(URI), systemdVersion: catalog.newestVersion, workspaceUnits: [] };
}

// ---------------------------------------------------------------- symbols

const SYMBOL_TEXT = [
  'Stray=1', //                        0
  '[Unit]', //                         1
  'Description=Web socket', //         2
  '', //                               3
  '[Socket]', //                       4
  '  ListenStream = 8080 ', //         5
  'ExecStartPre=/bin/true \\', //      6
  '  --flag', //                       7
  '# trailing', //                     8
  '[ X-Empty ]', //                    9
  '',
].join('\n');

test('symbols: one per section with its keys, orphans at the top level', () => {
  const { document, unit } = load(SYMBOL_TEXT);
  const symbols = findDocumentSymbols(document, unit);
  assert.deepEqual(
    symbols.map((s) => [s.name, s.kind]),
    [['Stray', SymbolKind.Property], ['Unit', SymbolKind.Namespace], ['Socket', SymbolKind.Namespace], [' X-Empty ', SymbolKind.Namespace]],
  );
  const [stray, unitSection, socket, empty] = symbols;
  assert.deepEqual(stray.range, r(0, 0, 0, 7));
  assert.deepEqual(stray.selectionRange, r(0, 0, 0, 5));
  assert.equal(stray.detail, '1');

  assert.deepEqual(unitSection.range, r(1, 0, 2, 22));
  assert.deepEqual(unitSection.selectionRange, r(1, 1, 1, 5));
  assert.deepEqual(unitSection.children?.map((c) => [c.name, c.detail, c.kind]), [['Description', 'Web socket', SymbolKind.Property]]);
  assert.deepEqual(unitSection.children?.[0].range, r(2, 0, 2, 22));
  assert.deepEqual(unitSection.children?.[0].selectionRange, r(2, 0, 2, 11));

  // The section ends at its last entry (the continuation line), not at the comment after it.
  assert.deepEqual(socket.range, r(4, 0, 7, 8));
  assert.deepEqual(socket.selectionRange, r(4, 1, 4, 7));
  const [listen, exec] = socket.children ?? [];
  assert.equal(listen.name, 'ListenStream');
  assert.equal(listen.detail, '8080');
  assert.deepEqual(listen.range, r(5, 2, 5, 21));
  assert.deepEqual(listen.selectionRange, r(5, 2, 5, 14));
  assert.equal(exec.name, 'ExecStartPre');
  assert.equal(exec.detail, '/bin/true --flag');
  assert.deepEqual(exec.range, r(6, 0, 7, 8));
  assert.deepEqual(exec.selectionRange, r(6, 0, 6, 12));

  // A section name keeps its blanks (systemd does too); a section without entries spans its header.
  assert.deepEqual(empty.range, r(9, 0, 9, 11));
  assert.deepEqual(empty.selectionRange, r(9, 1, 9, 10));
  assert.deepEqual(empty.children, []);
});

test('symbols: long values are cut to the detail limit, ranges contain their selection', () => {
  const long = 'x'.repeat(200);
  const { document, unit } = load(`[Unit]\nDescription=${long}\n`);
  const [section] = findDocumentSymbols(document, unit);
  const detail = section.children?.[0].detail ?? '';
  assert.equal(detail.length, SYMBOL_DETAIL_MAX);
  assert.ok(detail.endsWith('…'));
  assert.ok(detail.startsWith('xxx'));
});

test('symbols: empty file, CRLF line ends and an empty value', () => {
  const blank = load('');
  assert.deepEqual(findDocumentSymbols(blank.document, blank.unit), []);
  const { document, unit } = load('[Socket]\r\nListenStream=\r\nAccept=yes\r\n');
  const [socket] = findDocumentSymbols(document, unit);
  assert.deepEqual(socket.range, r(0, 0, 2, 10));
  assert.deepEqual(socket.children?.map((c) => [c.name, c.detail]), [['ListenStream', ''], ['Accept', 'yes']]);
  assert.deepEqual(socket.children?.[0].range, r(1, 0, 1, 13));
});

// ---------------------------------------------------------------- folding

test('folding: sections, continuation values and comment runs', () => {
  const text = [
    '# A socket for the web', //   0
    '# service.', //               1
    '[Unit]', //                   2
    'Description=one line', //     3
    '[Socket]', //                 4
    'ListenStream=80', //          5
    'ExecStartPre=/bin/a \\', //   6
    '  b \\', //                   7
    '  c', //                      8
    '; lone comment', //           9
    'Accept=no', //                10
    '[Install]', //                11
    '# x', //                      12
    '  ; y', //                    13
    '# z', //                      14
    '', //                         15
    '[X-Single]', //               16
    '',
  ].join('\n');
  const { document, unit } = load(text);
  const ranges = getFoldingRanges(document, unit).map((f) => [f.startLine, f.endLine, f.kind]);
  assert.deepEqual(ranges, [
    [0, 1, FoldingRangeKind.Comment],
    [2, 3, undefined],
    [4, 10, undefined],
    [6, 8, undefined],
    [12, 14, FoldingRangeKind.Comment],
  ]);
});

test('folding: a one-line section and a single comment do not fold; a blank line breaks a comment run', () => {
  const { document, unit } = load('# a\n\n# b\n[Socket]\nListenStream=80\n[Install]\n');
  assert.deepEqual(getFoldingRanges(document, unit).map((f) => [f.startLine, f.endLine, f.kind]), [[3, 4, undefined]]);
});

test('folding: comments inside a continuation fold inside the value', () => {
  const { document, unit } = load('[Service]\nExecStart=/bin/a \\\n# one\n# two\n  b\n');
  assert.deepEqual(getFoldingRanges(document, unit).map((f) => [f.startLine, f.endLine, f.kind]), [
    [0, 4, undefined],
    [1, 4, undefined],
    [2, 3, FoldingRangeKind.Comment],
  ]);
});

// ---------------------------------------------------------------- links

test('links: URLs and man pages in Documentation= with exact ranges', () => {
  const text = [
    '[Unit]',
    'Documentation=https://example.com/doc man:sshd(8)  man:systemd.socket(5)',
    'Documentation=file:/usr/share/doc/x.html \\',
    '   info:coreutils "http://quoted.example/" man:sd_listen_fds(3) man:nosection ftp://nope',
    'Description=https://not.a.link/',
    '[Socket]',
    'Documentation=https://ignored.example/',
    '[X-Extra]',
    'Documentation=https://ignored.too/',
    '',
  ].join('\n');
  const { document, unit } = load(text);
  const links = findDocumentLinks(document, unit, ctx());
  assert.deepEqual(
    links.map((l) => [l.range, l.target]),
    [
      [r(1, 14, 1, 37), 'https://example.com/doc'],
      [r(1, 38, 1, 49), 'https://man7.org/linux/man-pages/man8/sshd.8.html'],
      [r(1, 51, 1, 72), 'https://www.freedesktop.org/software/systemd/man/latest/systemd.socket.html'],
      [r(2, 14, 2, 40), 'file:/usr/share/doc/x.html'],
      [r(3, 3, 3, 17), 'info:coreutils'],
      [r(3, 19, 3, 41), 'http://quoted.example/'],
      [r(3, 43, 3, 63), 'https://www.freedesktop.org/software/systemd/man/latest/sd_listen_fds.html'],
    ],
  );
  for (const link of links) assert.ok(link.tooltip && link.tooltip.length > 0);
  // The range covers exactly the text of the reference.
  assert.equal(document.getText(links[1].range), 'man:sshd(8)');
  assert.equal(document.getText(links[5].range), 'http://quoted.example/');
});

test('links: Documentation= outside [Unit] and other keys in [Unit] give nothing', () => {
  const { document, unit } = load('Documentation=https://orphan.example/\n[Service]\nDocumentation=https://x.example/\n[Unit]\nDescription=https://y.example/\n');
  assert.deepEqual(findDocumentLinks(document, unit, ctx()), []);
});

test('links: man page targets', () => {
  assert.equal(manPageTarget('man:systemd.exec(5)')?.target, 'https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html');
  assert.equal(manPageTarget('man:systemd-socket-activate')?.target, 'https://www.freedesktop.org/software/systemd/man/latest/systemd-socket-activate.html');
  assert.equal(manPageTarget('man:sd-daemon(3)')?.target, 'https://www.freedesktop.org/software/systemd/man/latest/sd-daemon.html');
  assert.equal(manPageTarget('man:tmpfiles.d(5)')?.target, 'https://www.freedesktop.org/software/systemd/man/latest/tmpfiles.d.html');
  assert.equal(manPageTarget('man:hostname(5)')?.target, 'https://www.freedesktop.org/software/systemd/man/latest/hostname.html');
  assert.equal(manPageTarget('man:hostname(1)')?.target, 'https://man7.org/linux/man-pages/man1/hostname.1.html');
  assert.equal(manPageTarget('man:socket(7)')?.target, 'https://man7.org/linux/man-pages/man7/socket.7.html');
  assert.equal(manPageTarget('man:printf(3p)')?.target, 'https://man7.org/linux/man-pages/man3/printf.3p.html');
  assert.match(manPageTarget('man:nginx(8)')?.tooltip ?? '', /nginx\(8\)/);
  assert.equal(manPageTarget('man:nginx'), undefined);
  assert.equal(manPageTarget('man:'), undefined);
  assert.equal(manPageTarget('man:bad(x)'), undefined);
  assert.ok(isSystemdManPage('journald.conf', '5'));
  assert.ok(!isSystemdManPage('hostnamefoo'));
  assert.ok(isSystemdManPage('hostnamectl', '1'));
});
