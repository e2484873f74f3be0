/**
 * Hover: directive docs (hand-written or from the catalog), specifiers, listen addresses and other
 * values; and the hand-written docs themselves (coverage, real directives, examples that systemd accepts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { MarkupContent } from 'vscode-languageserver-types';
import { withCursor } from './helpers/cursor';
import { doHover, escapeMarkdown } from '../server/src/service/hover';
import { defaultCatalog } from '../server/src/service/catalog';
import { createLanguageService } from '../server/src/service/languageService';
import { parseUnit } from '../server/src/service/parser';
import { unitContextFromUri } from '../server/src/service/unitContext';
import type { FeatureContext } from '../server/src/service/featureContext';
import {
  DIRECTIVE_DOCS, DOCS_BY_SECTION, INSTALL_DOCS, SERVICE_DOCS, SOCKET_DOCS, UNIT_DOCS, directiveDoc,
} from '../server/src/data/docs';

const catalog = defaultCatalog();
const MAN = 'https://www.freedesktop.org/software/systemd/man/latest/';

function hoverAt(marked: string, options: { uri?: string; systemdVersion?: number } = {}) {
  const m = withCursor(marked, options.uri ?? 'file:///proj/web.socket');
  const ctx: FeatureContext = {
    catalog,
    context: unitContextFromUri(m.document.uri),
    systemdVersion: options.systemdVersion ?? catalog.newestVersion,
    workspaceUnits: [],
  };
  const hover = doHover(m.document, parseUnit(m.text), m.position, ctx);
  const markdown = hover ? (hover.contents as MarkupContent).value : '';
  const hovered = hover?.range ? m.text.slice(m.document.offsetAt(hover.range.start), m.document.offsetAt(hover.range.end)) : undefined;
  return { hover, markdown, hovered };
}

describe('hover on a key', () => {
  test('a documented [Socket] directive: summary, since, syntax, default, example, man link', () => {
    const { hover, markdown, hovered } = hoverAt('[Socket]\nListen|Stream=8080\n');
    assert.ok(hover);
    assert.equal((hover.contents as MarkupContent).kind, 'markdown');
    assert.equal(hovered, 'ListenStream');
    assert.ok(markdown.startsWith('**ListenStream=** · [Socket] · since the early days'), markdown);
    assert.ok(markdown.includes(escapeMarkdown(SOCKET_DOCS.ListenStream.summary)), markdown);
    assert.ok(markdown.includes('**Syntax:**'));
    assert.ok(markdown.includes('**Default:**'));
    assert.ok(markdown.includes('```ini\n' + SOCKET_DOCS.ListenStream.example + '\n```'), markdown);
    assert.ok(markdown.includes(`[systemd.socket(5)](${MAN}systemd.socket.html#ListenStream=)`), markdown);
  });

  test('the version that introduced a directive', () => {
    const { markdown } = hoverAt('[Socket]\nListenStream=80\nFileDescriptorName|=web\n');
    assert.ok(markdown.startsWith('**FileDescriptorName=** · [Socket] · since systemd 227'), markdown);
    assert.ok(markdown.includes(escapeMarkdown(SOCKET_DOCS.FileDescriptorName.summary)));
    assert.ok(markdown.includes(`(${MAN}systemd.socket.html#FileDescriptorName=)`));
  });

  test('a directive without a hand-written doc: its value type and the man page', () => {
    assert.equal(directiveDoc('Socket', 'TimerSlackNSec'), undefined);
    assert.equal(directiveDoc('Service', 'TimerSlackNSec'), undefined, 'pick another undocumented directive for this test');
    const { markdown, hovered } = hoverAt('[Socket]\nListenStream=80\nTimerSlack|NSec=50us\n');
    assert.equal(hovered, 'TimerSlackNSec');
    assert.ok(markdown.includes('**TimerSlackNSec=** · [Socket]'), markdown);
    assert.ok(markdown.includes('**Value:** a time span'), markdown);
    assert.ok(markdown.includes('nanoseconds'), markdown);
    assert.ok(markdown.includes(`[systemd.exec(5)](${MAN}systemd.exec.html#TimerSlackNSec=)`), markdown);
  });

  test('an undocumented enum directive lists its words', () => {
    const def = catalog
      .directivesIn('Socket')
      .find((d) => d.enumValues && !d.status && !d.aliasOf && !directiveDoc('Socket', d.name) && !directiveDoc('Service', d.name));
    assert.ok(def, 'some [Socket] enum directive has no hand-written doc');
    const { markdown } = hoverAt(`[Socket]\nListenStream=80\n${def.name}|=x\n`);
    assert.ok(markdown.includes('**Values:**'), markdown);
    for (const word of def.enumValues!) assert.ok(markdown.includes('`' + word + '`'), `${word} in ${markdown}`);
  });

  test('a directive too new for the target systemd', () => {
    const { markdown } = hoverAt('[Socket]\nListenStream=/run/a.sock\nPassPID|FD=yes\n', { systemdVersion: 252 });
    assert.ok(markdown.includes('since systemd 258'), markdown);
    assert.ok(markdown.includes('Needs systemd 258; your target systemd 252'), markdown);
    const current = hoverAt('[Socket]\nListenStream=/run/a.sock\nPassPID|FD=yes\n', { systemdVersion: 258 }).markdown;
    assert.ok(!current.includes('Needs systemd'), current);
  });

  test('removed and renamed directives name the replacement', () => {
    const removed = hoverAt('[Socket]\nListenStream=80\nMemory|Limit=1G\n').markdown;
    assert.ok(removed.includes('Removed (since systemd 258)'), removed);
    assert.ok(removed.includes('MemoryMax='), removed);
    const stillThere = hoverAt('[Socket]\nListenStream=80\nMemory|Limit=1G\n', { systemdVersion: 252 }).markdown;
    assert.ok(stillThere.includes('Deprecated') && stillThere.includes('MemoryMax='), stillThere);
    const alias = hoverAt('[Socket]\nListenStream=80\nReadWrite|Directories=/var/lib/x\n').markdown;
    assert.ok(alias.includes('Old name of **ReadWritePaths=**'), alias);
    assert.ok(alias.includes(`(${MAN}systemd.exec.html#ReadWritePaths=)`), alias);
  });

  test('a [Service] directive in a .socket file says that systemd ignores it', () => {
    const { markdown } = hoverAt('[Socket]\nListenStream=80\n[Service]\nExec|Start=/bin/true\n');
    assert.ok(markdown.includes('A .socket unit has no [Service] section'), markdown);
  });
});

describe('hover on a specifier', () => {
  test('%i in a template unit explains where the instance comes from', () => {
    const { markdown, hovered } = hoverAt('[Socket]\nListenStream=/run/web/%|i.sock\n', { uri: 'file:///proj/web@.socket' });
    assert.equal(hovered, '%i');
    assert.ok(markdown.includes('**%i** — Instance name'), markdown);
    assert.ok(markdown.includes('`web@.socket` is a template'), markdown);
    assert.ok(markdown.includes('`web@tenant1.socket` → `tenant1`'), markdown);
  });

  test('%i in an instance shows its value; %p, %n too', () => {
    const uri = 'file:///proj/web@tenant1.socket';
    assert.ok(hoverAt('[Socket]\nListenStream=/run/web/|%i.sock\n', { uri }).markdown.includes('`%i` = `tenant1`'));
    assert.ok(hoverAt('[Socket]\nListenStream=/run/%|p/x.sock\n', { uri }).markdown.includes('`%p` = `web`'));
    assert.ok(hoverAt('[Socket]\nListenStream=/run/x.sock\nFileDescriptorName=%|n\n', { uri }).markdown.includes('`%n` = `web@tenant1.socket`'));
  });

  test('%% is a literal percent sign; specifiers mean nothing in a boolean', () => {
    assert.ok(hoverAt('[Socket]\nListenStream=/run/a%|%b.sock\n').markdown.includes('literal'));
    assert.equal(hoverAt('[Socket]\nListenStream=80\nAccept=%|i\n').hover, null);
  });
});

describe('hover on a value', () => {
  test('a bare port is dual-stack', () => {
    const { markdown, hovered } = hoverAt('[Socket]\nListenStream=80|80\n');
    assert.equal(hovered, '8080');
    assert.ok(markdown.includes('TCP port 8080 on every address: `[::]:8080`, IPv4 too unless BindIPv6Only=ipv6-only'), markdown);
    assert.ok(markdown.includes('fd 3'), markdown);
  });

  test('a bare port or [::]:port says the fd is AF_INET6 and what a program that wraps it as AF_INET gets', () => {
    for (const marked of ['[Socket]\nListenStream=80|80\n', '[Socket]\nListenDatagram=[::]:5|353\n']) {
      const { markdown } = hoverAt(marked);
      assert.ok(markdown.includes('AF_INET6') && markdown.includes('::ffff:'), markdown);
      assert.ok(markdown.includes('socket.fromfd(3, socket.AF_INET'), markdown);
      assert.ok(markdown.includes('socket.socket(fileno=3)') && markdown.includes('0.0.0.0:'), markdown);
    }
    // IPv6 only: still AF_INET6, but no IPv4 peers.
    const only = hoverAt('[Socket]\nBindIPv6Only=yes\nListenStream=80|80\n').markdown;
    assert.ok(only.includes('AF_INET6') && !only.includes('::ffff:'), only);
    // An IPv4 or a specific IPv6 address is not this case.
    assert.ok(!hoverAt('[Socket]\nListenStream=0.0.0.0:80|80\n').markdown.includes('AF_INET6'));
    assert.ok(!hoverAt('[Socket]\nListenStream=[::1]:80|80\n').markdown.includes('garbled'));
  });

  test('the key hover of an enum that takes booleans says what yes means (PrivateUsers=yes is self)', () => {
    const { markdown } = hoverAt('[Service]\nPrivateU|sers=yes\n', { uri: 'file:///proj/web.service', systemdVersion: 262 });
    assert.ok(markdown.includes('`yes` = `self`'), markdown);
  });

  test('BindIPv6Only= and SocketProtocol= are taken into account; datagrams are UDP', () => {
    assert.ok(hoverAt('[Socket]\nBindIPv6Only=ipv6-only\nListenStream=80|80\n').markdown.includes('IPv6 only'));
    assert.ok(hoverAt('[Socket]\nListenDatagram=5|14\n').markdown.includes('UDP port 514'));
    assert.ok(hoverAt('[Socket]\nSocketProtocol=sctp\nListenStream=3|868\n').markdown.includes('SCTP port 3868'));
  });

  test('IPv4, file-system and abstract Unix sockets', () => {
    assert.ok(hoverAt('[Socket]\nListenStream=127.0.0.1:8|080\n').markdown.includes('IPv4 only'));
    const path = hoverAt('[Socket]\nListenStream=80\nListenStream=/run/|x.sock\n').markdown;
    assert.ok(path.includes('File-system AF_UNIX stream socket at `/run/x.sock`'), path);
    assert.ok(path.includes('fd 4'), path);
    const abstract = hoverAt('[Socket]\nListenStream=@|name\n').markdown;
    assert.ok(abstract.includes('Abstract AF_UNIX') && abstract.includes('not in the file system'), abstract);
    assert.ok(hoverAt('[Socket]\nListenStream=70|000\n').markdown.includes('out of range'));
  });

  test('Accept=yes names the template service', () => {
    const { markdown } = hoverAt('[Socket]\nListenStream=80\nAccept=y|es\n');
    assert.ok(markdown.includes('`web@.service`'), markdown);
  });

  test('time spans, enum words, sizes and modes', () => {
    assert.ok(hoverAt('[Socket]\nListenStream=80\nKeepAliveTimeSec=9|0\n').markdown.includes('1min 30s = 90 s'));
    assert.ok(hoverAt('[Socket]\nListenStream=80\nKeepAliveTimeSec=1min 3|0s\n').markdown.includes('1min 30s = 90 s'));
    assert.ok(hoverAt('[Socket]\nListenStream=80\nTimeoutSec=|0\n').markdown.includes('no time limit'));
    assert.ok(hoverAt('[Socket]\nListenStream=80\nKillMode=mi|xed\n').markdown.includes('`mixed`: SIGTERM goes to the main process only'));
    assert.ok(hoverAt('[Socket]\nListenStream=80\nBindIPv6Only=ye|s\n').markdown.includes('means `ipv6-only`'));
    assert.ok(hoverAt('[Socket]\nListenStream=80\nReceiveBuffer=4|M\n').markdown.includes('4,194,304 bytes (4 MiB)'));
    assert.ok(hoverAt('[Socket]\nListenStream=/run/a.sock\nSocketMode=06|60\n').markdown.includes('`rw-rw----`'));
    assert.equal(hoverAt('[Socket]\nListenStream=80\nNoDelay=ye|s\n').hover, null, 'booleans need no explanation');
  });
});

describe('no hover', () => {
  test('on a comment, a blank line, or after the value', () => {
    assert.equal(hoverAt('[Socket]\n# Listen|Stream=80\nListenStream=80\n').hover, null);
    assert.equal(hoverAt('[Socket]\nListenStream=80\n|\n\n').hover, null);
    assert.equal(hoverAt('[Socket]\nListenStream=80\n  |  \nAccept=no\n').hover, null);
    assert.equal(hoverAt('[Socket]\nListenStream=80   |\n').hover, null);
  });

  test('on unknown keys and extension keys', () => {
    assert.equal(hoverAt('[Socket]\nListenStream=80\nX-Fo|o=1\n').hover, null);
    assert.equal(hoverAt('[Socket]\nListenStream=80\nBogus|Key=1\n').hover, null);
  });
});

describe('hand-written docs', () => {
  const maps: Record<string, Record<string, unknown>> = { Socket: SOCKET_DOCS, Unit: UNIT_DOCS, Install: INSTALL_DOCS, Service: SERVICE_DOCS };

  test('at least 120 directives are documented, merged as Section.Name', () => {
    const total = Object.values(maps).reduce((n, m) => n + Object.keys(m).length, 0);
    assert.ok(total >= 120, `only ${total} hand-written docs`);
    assert.equal(Object.keys(DIRECTIVE_DOCS).length, total);
    for (const [section, docs] of Object.entries(maps)) {
      assert.equal(DOCS_BY_SECTION[section], docs);
      for (const name of Object.keys(docs)) assert.equal(DIRECTIVE_DOCS[`${section}.${name}`], docs[name]);
    }
  });

  test('every documented key is a real directive of its section', () => {
    for (const [section, docs] of Object.entries(maps)) {
      for (const name of Object.keys(docs)) assert.ok(catalog.lookup(section, name), `${section}.${name} is not in the catalog`);
    }
  });

  test('every socket-specific [Socket] directive has a doc', () => {
    const specific = catalog.directivesIn('Socket').filter((d) => d.man === 'systemd.socket');
    assert.ok(specific.length >= 60, `${specific.length} socket-specific directives`);
    const missing = specific.filter((d) => !SOCKET_DOCS[d.name]).map((d) => d.name);
    assert.deepEqual(missing, []);
  });

  test('docs are complete sentences with a two-line example', () => {
    for (const [key, doc] of Object.entries(DIRECTIVE_DOCS)) {
      assert.ok(doc.summary.trim().length > 20, `${key}: summary`);
      assert.ok(doc.syntax.trim().length > 0, `${key}: syntax`);
      assert.ok(doc.example.trim().length > 0, `${key}: example`);
    }
    for (const [name, doc] of Object.entries(SOCKET_DOCS)) {
      assert.equal(doc.example.split('\n').length, 2, `${name}: two-line example`);
      assert.ok(doc.example.split('\n').some((l) => l.startsWith(`${name}=`)), `${name}: the example uses ${name}=`);
    }
  });

  test('every example is accepted without errors or warnings', () => {
    const service = createLanguageService({ resolver: { unitExists: () => true } });
    const failures: string[] = [];
    const check = (key: string, uri: string, text: string) => {
      const document = TextDocument.create(uri, 'systemd-unit-file', 1, text);
      const bad = service
        .doValidation(document, service.parse(document), { systemdVersion: catalog.newestVersion })
        .filter((d) => d.severity === 1 || d.severity === 2);
      for (const d of bad) failures.push(`${key}: ${d.code} ${d.message}\n${text}`);
    };
    const hasLine = (example: string, re: RegExp) => example.split('\n').some((l) => re.test(l));
    for (const [name, doc] of Object.entries(SOCKET_DOCS)) {
      const listen = hasLine(doc.example, /^Listen[A-Za-z]*=/) ? '' : 'ListenStream=/run/example.sock\n';
      check(`Socket.${name}`, 'file:///proj/x.socket', `[Socket]\n${listen}${doc.example}\n`);
    }
    const serviceBody = (example: string) => (hasLine(example, /^ExecStart=/) ? '' : 'ExecStart=/usr/bin/true\n');
    for (const [name, doc] of Object.entries(SERVICE_DOCS)) {
      check(`Service.${name}`, 'file:///proj/x.service', `[Service]\n${serviceBody(doc.example)}${doc.example}\n`);
    }
    for (const [name, doc] of Object.entries(UNIT_DOCS)) {
      check(`Unit.${name}`, 'file:///proj/x.service', `[Unit]\n${doc.example}\n[Service]\nExecStart=/usr/bin/true\n`);
    }
    for (const [name, doc] of Object.entries(INSTALL_DOCS)) {
      check(`Install.${name}`, 'file:///proj/x.service', `[Service]\nExecStart=/usr/bin/true\n[Install]\n${doc.example}\n`);
    }
    assert.deepEqual(failures, []);
  });
});

describe('hover on OnCalendar=', () => {
  test('the value shows the normalized form and the next three elapse times', () => {
    const { markdown } = hoverAt('[Timer]\nOnCalendar=Mon..Fri 9:|00 UTC\n', { uri: 'file:///proj/a.timer' });
    assert.match(markdown, /Mon\.\.Fri \*-\*-\* 09:00:00 UTC/);
    assert.equal((markdown.match(/(Next elapse|Then #\d): (Mon|Tue|Wed|Thu|Fri) \d{4}-\d\d-\d\d 09:00:00 UTC/g) ?? []).length, 3);
  });
  test('the key shows it too; an invalid expression says systemd ignores it', () => {
    assert.match(hoverAt('[Timer]\nOn|Calendar=daily\n', { uri: 'file:///proj/a.timer' }).markdown, /\*-\*-\* 00:00:00/);
    assert.match(hoverAt('[Timer]\nOnCalendar=some|day\n', { uri: 'file:///proj/a.timer' }).markdown, /⚠️/);
  });
  test('a named zone other than UTC: normalized, next elapse not computed', () => {
    const { markdown } = hoverAt('[Timer]\nOnCalendar=10:00 Asia/|Tokyo\n', { uri: 'file:///proj/a.timer' });
    assert.match(markdown, /10:00:00 Asia\/Tokyo/);
    assert.match(markdown, /not computed/);
  });
});
