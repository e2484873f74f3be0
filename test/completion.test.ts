/**
 * Completion: which items are offered where, and what the text looks like after applying one.
 * Units are written with `|` at the cursor (test/helpers/cursor.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionItemTag, InsertTextFormat, type CompletionItem, type CompletionList } from 'vscode-languageserver-types';
import { doComplete } from '../server/src/service/completion';
import { defaultCatalog } from '../server/src/service/catalog';
import type { FeatureContext } from '../server/src/service/featureContext';
import { parseUnit } from '../server/src/service/parser';
import { unitContextFromUri } from '../server/src/service/unitContext';
import { SPECIFIER_DESCRIPTIONS, parseListenAddress } from '../server/src/service/values';
import { booleanExtras } from '../server/src/service/enumBooleans';
import { applyCompletion, withCursor, type Marked } from './helpers/cursor';

const SOCKET_URI = 'file:///proj/web.socket';
const SERVICE_URI = 'file:///proj/web.service';
const USER_SERVICE_URI = 'file:///home/ada/.config/systemd/user/web.service';
const USER_SOCKET_URI = 'file:///home/ada/.config/systemd/user/web.socket';
const WORKSPACE = ['web.service', 'web.socket', 'db.service', 'app@.service', 'metrics.socket', 'backup.target'];

interface Options {
  uri?: string;
  systemdVersion?: number;
  includeNewer?: boolean;
  workspaceUnits?: string[];
  /** The character whose typing asked for completion. */
  trigger?: string;
  /** The client's command that reopens completion. */
  suggestCommand?: string;
}

interface Completed {
  marked: Marked;
  list: CompletionList;
  /** Labels in the order an editor shows them (sortText, then label). */
  labels: string[];
  item(label: string): CompletionItem;
  /** The whole document after applying the item with this label. */
  apply(label: string): string;
}

function complete(text: string, options: Options = {}): Completed {
  const marked = withCursor(text, options.uri ?? SOCKET_URI);
  const ctx: FeatureContext = {
    catalog: defaultCatalog(),
    context: unitContextFromUri(marked.document.uri),
    systemdVersion: options.systemdVersion ?? 252,
    workspaceUnits: options.workspaceUnits ?? WORKSPACE,
    includeNewer: options.includeNewer,
    suggestCommand: options.suggestCommand,
  };
  const list = doComplete(marked.document, parseUnit(marked.text), marked.position, ctx, options.trigger);
  const sorted = [...list.items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label) || a.label.localeCompare(b.label));
  const item = (label: string) => {
    const found = list.items.find((i) => i.label === label);
    assert.ok(found, `no item "${label}" in ${JSON.stringify(sorted.map((i) => i.label).slice(0, 30))}`);
    return found;
  };
  return { marked, list, labels: sorted.map((i) => i.label), item, apply: (label) => applyCompletion(marked, item(label)) };
}

function assertOffers(c: Completed, labels: string[]): void {
  for (const label of labels) assert.ok(c.labels.includes(label), `expected "${label}" among ${JSON.stringify(c.labels.slice(0, 40))}`);
}

function assertDoesNotOffer(c: Completed, labels: string[]): void {
  for (const label of labels) assert.ok(!c.labels.includes(label), `did not expect "${label}"`);
}

// ---------------------------------------------------------------- sections

test('sections: a .socket gets [Unit] [Socket] [Install] in systemd order, not [Service]', () => {
  const c = complete('|');
  // The unit skeletons (test/snippets.test.ts) come first in an empty file.
  assert.deepEqual(c.labels.filter((l) => !l.startsWith('sd-')), ['[Unit]', '[Socket]', '[Install]']);
  assert.equal(c.apply('[Socket]'), '[Socket]');
});

test('sections: the partial header is replaced, closing bracket included', () => {
  assert.equal(complete('[Unit]\nDescription=web\n[Soc|').apply('[Socket]'), '[Unit]\nDescription=web\n[Socket]');
  assert.equal(complete('[Soc|]\nListenStream=80\n').apply('[Socket]'), '[Socket]\nListenStream=80\n');
});

test('sections: a .service gets [Service], an unknown unit type gets every section', () => {
  const service = complete('[Ser|', { uri: SERVICE_URI });
  assert.deepEqual(service.labels, ['[Unit]', '[Service]', '[Install]']);
  assert.equal(service.apply('[Service]'), '[Service]');
  assertOffers(complete('[|', { uri: 'untitled:Untitled-1' }), ['[Unit]', '[Service]', '[Socket]', '[Timer]', '[Install]']);
});

test('sections: one already in the file sorts after the others', () => {
  const c = complete('[Socket]\nListenStream=80\n\n[|');
  assert.deepEqual(c.labels, ['[Unit]', '[Install]', '[Socket]']);
});

test('sections: a blank line inside a section offers keys first, then headers', () => {
  const c = complete('[Socket]\nListenStream=80\n|');
  assert.equal(c.labels[0], 'ListenStream');
  assertOffers(c, ['Accept', '[Install]']);
  assert.ok(c.labels.indexOf('[Install]') > c.labels.indexOf('Accept'));
  assert.equal(c.apply('[Install]'), '[Socket]\nListenStream=80\n[Install]');
});

// ---------------------------------------------------------------- directive names

test('directives: names of the section, inserted with "="', () => {
  const c = complete('[Socket]\n|');
  assertOffers(c, ['ListenStream', 'ListenDatagram', 'ListenFIFO', 'Accept', 'BindIPv6Only']);
  assertDoesNotOffer(c, ['ExecStart', 'After', 'WantedBy', 'X-']);
  const typed = complete('[Socket]\nListen|');
  assert.equal(typed.apply('ListenStream'), '[Socket]\nListenStream=');
  assert.equal(typed.item('ListenStream').kind, 10 /* Property */);
});

test('directives: what is typed narrows the list, which is then incomplete', () => {
  const c = complete('[Socket]\nListen|');
  assertOffers(c, ['ListenStream', 'ListenDatagram', 'ListenFIFO']);
  assertDoesNotOffer(c, ['Accept', 'BindIPv6Only', 'Backlog']);
  assert.equal(c.list.isIncomplete, true);
  // The same subsequence rule as the editor's: first letter first, then in order.
  assertOffers(complete('[Socket]\nlstr|'), ['ListenStream']);
  assertDoesNotOffer(complete('[Socket]\nstream|'), ['ListenStream']);
});

test('directives: [Unit] and [Install] offer their own keys', () => {
  const unit = complete('[Unit]\n|\n[Socket]\nListenStream=80\n');
  assertOffers(unit, ['After', 'Wants', 'Description']);
  assertDoesNotOffer(unit, ['ListenStream', 'WantedBy']);
  assert.equal(complete('[Unit]\nAf|\n[Socket]\nListenStream=80\n').apply('After'), '[Unit]\nAfter=\n[Socket]\nListenStream=80\n');
  const install = complete('[Socket]\nListenStream=80\n[Install]\n|');
  assertOffers(install, ['WantedBy', 'RequiredBy', 'Also']);
  assertDoesNotOffer(install, ['ListenStream']);
});

test('directives: socket-activation essentials first, then the rest alphabetically', () => {
  const c = complete('[Socket]\n|');
  assert.deepEqual(c.labels.slice(0, 6), ['ListenStream', 'ListenDatagram', 'ListenSequentialPacket', 'Accept', 'Service', 'FileDescriptorName']);
  const rest = c.labels.filter((l) => ['AllowedCPUs', 'Backlog', 'KeepAlive', 'NoDelay'].includes(l));
  assert.deepEqual(rest, ['AllowedCPUs', 'Backlog', 'KeepAlive', 'NoDelay']);
});

test('directives: detail is the value type plus the version that introduced it', () => {
  const c = complete('[Socket]\n|');
  assert.equal(c.item('Accept').detail, 'boolean');
  assert.equal(c.item('ListenStream').detail, 'address');
  assert.equal(c.item('KeepAliveTimeSec').detail, 'time span · since systemd 216');
  assert.equal(c.item('KillMode').detail, 'control-group|process|mixed|none · since systemd 187');
  assert.equal(c.item('BindIPv6Only').detail, 'default|both|ipv6-only|yes|no');
});

test('directives: only what the target version knows (DeferTrigger= is new in 258)', () => {
  assertDoesNotOffer(complete('[Socket]\nDefer|', { systemdVersion: 252 }), ['DeferTrigger', 'DeferTriggerMaxSec']);
  const at258 = complete('[Socket]\nDefer|', { systemdVersion: 258 });
  assertOffers(at258, ['DeferTrigger', 'DeferAcceptSec']);
  assert.equal(at258.item('DeferTrigger').detail, 'no|yes|patient · since systemd 258');
});

test('directives: includeNewer offers newer ones, marked and sorted last', () => {
  const c = complete('[Socket]\n|', { systemdVersion: 252, includeNewer: true });
  const defer = c.item('DeferTrigger');
  assert.match(defer.detail ?? '', /needs systemd 258/);
  assert.ok(c.labels.indexOf('DeferTrigger') > c.labels.indexOf('Writable'), 'newer directives sort after current ones');
  assert.equal(c.apply('DeferTrigger'), '[Socket]\nDeferTrigger=');
});

test('directives: removed ones and old aliases are not offered', () => {
  const c = complete('[Socket]\n|', { systemdVersion: 258 });
  assertDoesNotOffer(c, ['Capabilities', 'NetClass', 'CPUShares', 'ReadWriteDirectories', 'InaccessibleDirectories']);
  assertOffers(c, ['ReadWritePaths', 'InaccessiblePaths']);
  const unit = complete('[Unit]\n|');
  assertDoesNotOffer(unit, ['BindTo', 'StartLimitInterval', 'IgnoreOnSnapshot']);
  assertOffers(unit, ['BindsTo', 'StartLimitIntervalSec']);
});

test('directives: one removed only in a later version is still offered for an older target, as deprecated', () => {
  const c = complete('[Socket]\nCPUSh|', { systemdVersion: 252 });
  const item = c.item('CPUShares');
  assert.deepEqual(item.tags, [CompletionItemTag.Deprecated]);
  assert.match(item.detail ?? '', /removed in systemd 258/);
});

test('directives: on a line that already has "=", only the key is replaced', () => {
  assert.equal(complete('[Socket]\nListenStr|=8080').apply('ListenStream'), '[Socket]\nListenStream=8080');
  assert.equal(complete('[Socket]\nAcc|ept=yes').apply('Accept'), '[Socket]\nAccept=yes');
});

test('directives: nothing before the first section header, nothing after a typed space', () => {
  assert.deepEqual(complete('List|\n[Socket]\n').labels, []);
  assert.deepEqual(complete('[Socket]\nListen Stream|').labels, []);
});

// ---------------------------------------------------------------- values: booleans and enums

test('booleans: yes/no first, the other spellings after', () => {
  const c = complete('[Socket]\nAccept=|');
  assert.deepEqual(c.labels, ['yes', 'no', 'true', 'false', 'on', 'off']);
  assert.equal(c.apply('yes'), '[Socket]\nAccept=yes');
  assert.equal(complete('[Socket]\nAccept=ye|').apply('yes'), '[Socket]\nAccept=yes');
  assert.equal(complete('[Socket]\nAccept = n|o\n').apply('no'), '[Socket]\nAccept = no\n');
});

test('values: blanks around the cursor are not part of the value; CRLF lines work', () => {
  assert.equal(complete('[Socket]\nAccept=| yes').apply('no'), '[Socket]\nAccept=no');
  assert.equal(complete('[Socket]\nAccept=  |').apply('no'), '[Socket]\nAccept=  no');
  assert.equal(complete('[Socket]\r\nAccept=|\r\nListenStream=80\r\n').apply('yes'), '[Socket]\r\nAccept=yes\r\nListenStream=80\r\n');
  assert.equal(complete('[Socket]\r\nListenStr|\r\n').apply('ListenStream'), '[Socket]\r\nListenStream=\r\n');
});

test('booleans: a tristate also offers the empty value', () => {
  // A tristate from 253 on (252 parses it as a plain boolean, where an empty value is refused).
  const c = complete('[Socket]\nPrivateMounts=n|', { systemdVersion: 257 });
  assertOffers(c, ['yes', 'no', '(empty)']);
  assert.equal(c.apply('(empty)'), '[Socket]\nPrivateMounts=');
  assertDoesNotOffer(complete('[Socket]\nPrivateMounts=n|', { systemdVersion: 252 }), ['(empty)']);
  assertDoesNotOffer(complete('[Socket]\nAccept=|'), ['(empty)']);
});

test('enums: KillMode= in [Socket] offers exactly its words, less the deprecated none', () => {
  // systemd logs KillMode=none as unsafe and deprecated: typed, it gets deprecated-setting; it is not offered.
  const c = complete('[Socket]\nKillMode=|');
  assert.deepEqual(c.labels, ['control-group', 'process', 'mixed']);
  assert.equal(c.apply('mixed'), '[Socket]\nKillMode=mixed');
});

test('versions per value: completion offers only the words the target parses', () => {
  const at252 = complete('[Service]\nType=|', { uri: SERVICE_URI, systemdVersion: 252 });
  assertDoesNotOffer(at252, ['notify-reload']);
  assertOffers(at252, ['simple', 'notify', 'exec']);
  assertOffers(complete('[Service]\nType=|', { uri: SERVICE_URI, systemdVersion: 253 }), ['notify-reload']);
  assertDoesNotOffer(complete('[Service]\nPrivateTmp=|', { uri: SERVICE_URI, systemdVersion: 252 }), ['disconnected']);
  assertOffers(complete('[Service]\nPrivateTmp=|', { uri: SERVICE_URI, systemdVersion: 262 }), ['disconnected']);
});

test('settings systemd ignores in this unit type are not offered (ManagedOOMSwap= in a .socket)', () => {
  assertDoesNotOffer(complete('[Socket]\nManagedOOM|'), ['ManagedOOMSwap', 'ManagedOOMMemoryPressure']);
  assertOffers(complete('[Service]\nManagedOOM|', { uri: SERVICE_URI }), ['ManagedOOMSwap']);
});

test('enums: BindIPv6Only= takes its words and, being exact-or-boolean, yes/no', () => {
  const c = complete('[Socket]\nBindIPv6Only=ipv|');
  assert.deepEqual(c.labels, ['default', 'both', 'ipv6-only', 'yes', 'no']);
  assert.equal(c.apply('ipv6-only'), '[Socket]\nBindIPv6Only=ipv6-only');
});

test('enums with booleans: yes/no say which word they stand for (BindIPv6Only=yes is ipv6-only, no is both)', () => {
  const c = complete('[Socket]\nBindIPv6Only=|');
  assert.equal(c.item('yes').detail, 'boolean: same as ipv6-only');
  assert.equal(c.item('no').detail, 'boolean: same as both');
  assert.match(JSON.stringify(c.item('yes').documentation), /BindIPv6Only=ipv6-only/);
  // The same mechanism for every such parser: PrivateUsers=yes is self, PrivateTmp=yes is connected.
  assert.equal(complete('[Service]\nPrivateUsers=|', { uri: SERVICE_URI, systemdVersion: 262 }).item('yes').detail, 'boolean: same as self');
  assert.equal(complete('[Service]\nPrivateTmp=|', { uri: SERVICE_URI, systemdVersion: 262 }).item('yes').detail, 'boolean: same as connected');
});

test('every enum directive that takes booleans beside a table without yes/no knows what they mean (all versions)', () => {
  const missing: string[] = [];
  for (const def of defaultCatalog().data.directives) {
    for (const shape of [def, ...(def.history ?? [])]) {
      if (shape.enumMatch !== 'exact-or-boolean') continue;
      const extras = booleanExtras(shape);
      if (extras.some((x) => !x.means)) missing.push(`${def.section}.${def.name} (${shape.parser})`);
    }
  }
  assert.deepEqual(missing, []);
});

test('enums: StandardOutput=file needs a path, inserted as a snippet', () => {
  const c = complete('[Service]\nStandardOutput=|', { uri: SERVICE_URI });
  assertOffers(c, ['journal', 'socket', 'file']);
  assert.equal(c.item('file').insertTextFormat, InsertTextFormat.Snippet);
  assert.equal(c.apply('file'), '[Service]\nStandardOutput=file:/path');
});

test('values: unknown directives, orphan assignments and free-form values get nothing', () => {
  assert.deepEqual(complete('[Socket]\nFrobnicate=|').labels, []);
  assert.deepEqual(complete('Accept=|\n[Socket]\n').labels, []);
  assert.deepEqual(complete('[Socket]\nBacklog=|').labels, []);
});

// ---------------------------------------------------------------- values: Listen*=

test('ListenStream=: every address form as a snippet with working defaults', () => {
  const c = complete('[Socket]\nListenStream=|');
  assert.deepEqual(c.labels, ['8080', '127.0.0.1:8080', '[::1]:8080', '/run/web.sock', '@web', 'vsock:2:1234']);
  for (const item of c.list.items) assert.equal(item.insertTextFormat, InsertTextFormat.Snippet);
  assert.equal(c.apply('8080'), '[Socket]\nListenStream=8080');
  assert.equal(c.apply('127.0.0.1:8080'), '[Socket]\nListenStream=127.0.0.1:8080');
  assert.equal(c.apply('[::1]:8080'), '[Socket]\nListenStream=[::1]:8080');
  assert.equal(c.apply('/run/web.sock'), '[Socket]\nListenStream=/run/web.sock');
  assert.equal(c.apply('@web'), '[Socket]\nListenStream=@web');
  assert.equal(c.apply('vsock:2:1234'), '[Socket]\nListenStream=vsock:2:1234');
  assert.match(c.item('8080').detail ?? '', /all addresses, IPv6 and IPv4/);
});

test('Listen*=: every offered default is an address systemd 252 accepts', () => {
  for (const directive of ['ListenStream', 'ListenDatagram', 'ListenSequentialPacket', 'ListenFIFO', 'ListenMessageQueue', 'ListenNetlink']) {
    const c = complete(`[Socket]\n${directive}=|`);
    assert.ok(c.labels.length > 0, directive);
    for (const label of c.labels) {
      const value = c.apply(label).split('=')[1];
      const parsed = parseListenAddress(directive, value, 'web.socket', 252);
      assert.ok(parsed.ok, `${directive}=${value}: ${parsed.ok ? '' : parsed.message}`);
    }
  }
});

test('Listen*=: the typed value is replaced; datagram says UDP; seqpacket is AF_UNIX only', () => {
  assert.equal(complete('[Socket]\nListenStream=/ru|').apply('/run/web.sock'), '[Socket]\nListenStream=/run/web.sock');
  assert.match(complete('[Socket]\nListenDatagram=|').item('8080').detail ?? '', /UDP/);
  assert.deepEqual(complete('[Socket]\nListenSequentialPacket=|').labels, ['/run/web.sock', '@web']);
  assert.deepEqual(complete('[Socket]\nListenFIFO=|').labels, ['/run/web.fifo']);
});

test('Listen*=: user units put sockets below %t, the user runtime directory', () => {
  const c = complete('[Socket]\nListenStream=|', { uri: USER_SOCKET_URI });
  assertOffers(c, ['%t/web.sock']);
  assertDoesNotOffer(c, ['/run/web.sock']);
  assert.equal(c.apply('%t/web.sock'), '[Socket]\nListenStream=%t/web.sock');
});

test('ListenNetlink=: netlink families, the first word only', () => {
  const c = complete('[Socket]\nListenNetlink=ro|');
  assertOffers(c, ['route', 'kobject-uevent', 'audit', 'rdma']);
  assert.equal(c.labels[0], 'route');
  assert.equal(c.apply('route'), '[Socket]\nListenNetlink=route');
  assert.equal(complete('[Socket]\nListenNetlink=ro| 1').apply('route'), '[Socket]\nListenNetlink=route 1');
  assert.deepEqual(complete('[Socket]\nListenNetlink=route |').labels, []);
});

test('FileDescriptorName=: the unit name without its suffix', () => {
  const c = complete('[Socket]\nFileDescriptorName=|');
  assert.deepEqual(c.labels, ['web']);
  assert.equal(c.apply('web'), '[Socket]\nFileDescriptorName=web');
});

// ---------------------------------------------------------------- values: unit names

test('Service=: only .service units of the workspace, no templates', () => {
  const c = complete('[Socket]\nService=|');
  assert.deepEqual(c.labels, ['db.service', 'web.service']);
  assert.equal(c.apply('db.service'), '[Socket]\nService=db.service');
  assert.equal(complete('[Socket]\nService=d|b').apply('db.service'), '[Socket]\nService=db.service');
});

test('Sockets=: only .socket units', () => {
  const c = complete('[Service]\nSockets=|', { uri: SERVICE_URI });
  assert.deepEqual(c.labels, ['metrics.socket', 'web.socket']);
});

test('WantedBy=: sockets.target first for a .socket', () => {
  const c = complete('[Install]\nWantedBy=|');
  assert.equal(c.labels[0], 'sockets.target');
  assertOffers(c, ['multi-user.target', 'backup.target']);
  assert.equal(c.apply('sockets.target'), '[Install]\nWantedBy=sockets.target');
});

test('WantedBy=: multi-user.target first for a service; default.target for a user service', () => {
  assert.equal(complete('[Install]\nWantedBy=|', { uri: SERVICE_URI }).labels[0], 'multi-user.target');
  const user = complete('[Install]\nWantedBy=|', { uri: USER_SERVICE_URI });
  assert.equal(user.labels[0], 'default.target');
  // The user manager has no multi-user.target or network targets.
  assertDoesNotOffer(user, ['multi-user.target', 'network-online.target']);
});

test('After=: workspace units and well-known targets, never the unit itself', () => {
  const c = complete('[Unit]\nAfter=|\n[Socket]\nListenStream=80\n');
  assertOffers(c, ['web.service', 'db.service', 'app@.service', 'network.target', 'network-online.target', 'sysinit.target', 'basic.target']);
  assertDoesNotOffer(c, ['web.socket']);
});

test('After=: a list completes only the word under the cursor and skips names already listed', () => {
  const c = complete('[Unit]\nAfter=network.target soc|');
  assertOffers(c, ['sockets.target']);
  assertDoesNotOffer(c, ['network.target']);
  assert.equal(c.apply('sockets.target'), '[Unit]\nAfter=network.target sockets.target');
  assert.equal(complete('[Unit]\nAfter=net|work.target db.service').apply('network-online.target'), '[Unit]\nAfter=network-online.target db.service');
  assert.equal(complete('[Unit]\nWants=db.service |').apply('web.service'), '[Unit]\nWants=db.service web.service');
});

// ---------------------------------------------------------------- specifiers

test('specifiers: after % in a Listen value, the full table with descriptions', () => {
  const c = complete('[Socket]\nListenStream=/run/%|');
  assertOffers(c, ['%i', '%n', '%t', '%h', '%%']);
  assert.equal(c.item('%i').detail, SPECIFIER_DESCRIPTIONS.i);
  assert.equal(c.item('%%').detail, 'a literal %');
  assert.equal(c.apply('%i'), '[Socket]\nListenStream=/run/%i');
  assert.equal(c.apply('%%'), '[Socket]\nListenStream=/run/%%');
});

test('specifiers: unit-name settings get the smaller table', () => {
  const c = complete('[Unit]\nAfter=db-%|');
  assertOffers(c, ['%i', '%p', '%N']);
  assertDoesNotOffer(c, ['%t', '%h']);
  assert.equal(c.apply('%p'), '[Unit]\nAfter=db-%p');
});

test('specifiers: not after an escaped %%, not where systemd expands none', () => {
  assertDoesNotOffer(complete('[Socket]\nListenStream=/run/%%|'), ['%i']);
  assertDoesNotOffer(complete('[Socket]\nAccept=%|'), ['%i']);
  assertDoesNotOffer(complete('[Socket]\nBacklog=%|'), ['%i']);
});

// ---------------------------------------------------------------- comments and continuation lines

test('comments: no completion inside a comment line', () => {
  assert.deepEqual(complete('[Socket]\n# Listen|').labels, []);
  assert.deepEqual(complete('[Socket]\n  ; Accept=|').labels, []);
  assert.deepEqual(complete('# [Soc|').labels, []);
});

test('continuation lines: the value still completes there', () => {
  const c = complete('[Unit]\nAfter=network.target \\\n  soc|\n');
  assertOffers(c, ['sockets.target']);
  assertDoesNotOffer(c, ['network.target']);
  assert.equal(c.apply('sockets.target'), '[Unit]\nAfter=network.target \\\n  sockets.target\n');
  assert.equal(complete('[Socket]\nListenStream=\\\n  |').apply('@web'), '[Socket]\nListenStream=\\\n  @web');
});

test('continuation lines: a comment line inside the continuation is skipped, as systemd does', () => {
  const c = complete('[Unit]\nWants=db.service \\\n# why\n  web|\n');
  assert.equal(c.apply('web.service'), '[Unit]\nWants=db.service \\\n# why\n  web.service\n');
});

test('continuation lines: the line after a finished value is a new key', () => {
  const c = complete('[Unit]\nAfter=network.target \\\n  db.service\nWa|');
  assertOffers(c, ['Wants']);
  assert.equal(c.apply('Wants'), '[Unit]\nAfter=network.target \\\n  db.service\nWants=');
});

test('results are complete lists', () => {
  assert.equal(complete('[Socket]\n|').list.isIncomplete, false);
  assert.equal(complete('[Socket]\n# |').list.isIncomplete, false);
});

// ---------------------------------------------------------------- typed trigger characters

test('typing "=" after a key opens its value list', () => {
  assert.deepEqual(complete('[Socket]\nBindIPv6Only=|', { trigger: '=' }).labels, ['default', 'both', 'ipv6-only', 'yes', 'no']);
  assertOffers(complete('[Socket]\nAccept=|', { trigger: '=' }), ['yes', 'no']);
  assertOffers(complete('[Socket]\nService=|', { trigger: '=' }), ['web.service']);
});

test('typing "=" in a comment, a section header or further into a value offers nothing', () => {
  assert.deepEqual(complete('[Socket]\n# BindIPv6Only=|', { trigger: '=' }).labels, []);
  assert.deepEqual(complete('; Accept=|\n[Socket]\n', { trigger: '=' }).labels, []);
  assert.deepEqual(complete('[Sock=|\nListenStream=80\n', { trigger: '=' }).labels, []);
  assert.deepEqual(complete('[Socket]\nListenStream=a=|', { trigger: '=' }).labels, []);
  assert.deepEqual(complete('[Service]\nEnvironment=A=|', { uri: SERVICE_URI, trigger: '=' }).labels, []);
  // A space typed on a key line or in a header is no request for keys either.
  assert.deepEqual(complete('[Socket]\n |', { trigger: ' ' }).labels, []);
  assert.deepEqual(complete('[Socket |', { trigger: ' ' }).labels, []);
});

test('accepting a directive name with "=" reopens the list when the directive has values to offer', () => {
  const command = 'editor.action.triggerSuggest';
  const c = complete('[Socket]\n|', { suggestCommand: command });
  assert.equal(c.item('Accept').command?.command, command);
  assert.equal(c.item('BindIPv6Only').command?.command, command);
  assert.equal(c.item('ListenStream').command?.command, command);
  assert.equal(c.item('Service').command?.command, command);
  assert.equal(c.item('Backlog').command, undefined); // a number: nothing to list
  // Only with a client that named the command, and not when the "=" is already there.
  assert.equal(complete('[Socket]\n|').item('Accept').command, undefined);
  assert.equal(complete('[Socket]\nAcc|=yes', { suggestCommand: command }).item('Accept').command, undefined);
});
