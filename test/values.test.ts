/**
 * Value validators (server/src/service/values): table-driven checks of what systemd accepts, plus a
 * cross-check of many values against the real `systemd-analyze verify` when it is installed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalog } from '../server/src/data/catalog.generated';
import type { DirectiveDef } from '../server/src/service/catalogTypes';
import { parseBoolean, validatorForParser, VALIDATED_PARSERS } from '../server/src/service/values';
import type { ValueProblem } from '../server/src/service/values/types';
import { parseListenAddress, validateFdName, isValidUnitName, unitTypeOf, type ListenOk } from '../server/src/service/values/listen';
import {
  SPECIFIER_DESCRIPTIONS, SPECIFIER_TABLES, scanSpecifiers, unknownSpecifierProblems,
} from '../server/src/service/values/specifiers';
import { parseNsec, parseSec } from '../server/src/service/values/timespan';
import { parseSize } from '../server/src/service/values/size';
import { safeAtoi, safeAtou } from '../server/src/service/values/cnum';
import { parseIPv4, parseIPv6 } from '../server/src/service/values/inaddr';
import { checkPath, pathSimplify } from '../server/src/service/values/paths';
import { extractFirstWord, splitWords } from '../server/src/service/values/words';

type Section = 'Socket' | 'Service' | 'Unit';

function def(section: Section, name: string): DirectiveDef {
  const d = catalog.directives.find((x) => x.section === section && x.name === name);
  assert.ok(d, `catalog has ${section}.${name}`);
  return d;
}

function problems(section: Section, name: string, value: string, unitName?: string, systemdVersion?: number): ValueProblem[] {
  const d = def(section, name);
  const validate = validatorForParser(d.parser, d.ltype);
  assert.ok(validate, `${d.parser} (${section}.${name}) has a validator`);
  return validate(value, { directive: d, unitName, systemdVersion });
}

const dropped = (ps: ValueProblem[]): boolean => ps.some((p) => p.effect !== 'advice');
const advised = (ps: ValueProblem[]): boolean => ps.length > 0 && ps.every((p) => p.effect === 'advice');

/** Table helper: every `good` value yields no problem, every `bad` one makes systemd drop the line. */
function table(section: Section, name: string, good: string[], bad: string[]): void {
  describe(`${section}.${name}`, () => {
    for (const v of good) {
      it(`accepts ${JSON.stringify(v)}`, () => assert.deepEqual(problems(section, name, v), []));
    }
    for (const v of bad) {
      it(`rejects ${JSON.stringify(v)}`, () => {
        const ps = problems(section, name, v);
        assert.ok(dropped(ps), `expected a problem, got ${JSON.stringify(ps)}`);
        for (const p of ps) assert.match(p.message, new RegExp(name), 'message names the directive');
      });
    }
  });
}

describe('parseBoolean (parse_boolean)', () => {
  for (const v of ['1', 'yes', 'y', 'true', 't', 'on', 'YES', 'On', 'True', 'Y']) it(`${v} → true`, () => assert.equal(parseBoolean(v), true));
  for (const v of ['0', 'no', 'n', 'false', 'f', 'off', 'NO', 'Off']) it(`${v} → false`, () => assert.equal(parseBoolean(v), false));
  for (const v of ['maybe', '', '2', 'yess', 'enable', ' yes']) it(`${JSON.stringify(v)} → undefined`, () => assert.equal(parseBoolean(v), undefined));
});

describe('generic parsers', () => {
  table('Socket', 'Accept', ['yes', 'no', 'YES', 'On', '1', '0', 't', 'F'], ['maybe', '', '2', 'yess']);
  it('a fatal boolean (DynamicUser=) says the unit is refused', () => {
    assert.match(problems('Service', 'DynamicUser', 'maybe')[0].message, /refuses to load the unit/);
  });
  table('Service', 'PrivateMounts', ['', 'yes', 'off'], ['maybe']); // tristate
  table('Socket', 'Backlog', ['128', '0', '4294967295', '0x10', '010', '-0', '+5', '0b101', '0o17'], ['abc', '-1', '4294967296', '08', '0x', '', '1.5', '5 ']);
  table('Socket', 'Priority', ['5', '-5', '2147483647', '-2147483648', '-0x10'], ['abc', '2147483648', '-2147483649', '']);
  table('Socket', 'MessageQueueMaxMessages', ['5', '-5', '9223372036854775807'], ['9223372036854775808', 'x']);
  table('Socket', 'TimeoutSec', [
    '5min 30s', 'infinity', '1.5h', '100', '0', '1min30s', '5 min', '.5s', '+5s', '5 5', '5M', '1y', '30 us', '2µs', '2μs', '12.34 .56', '10ms',
  ], ['-1', '-0', '5 minutes later', '', '5secs', '5S', '5H', '5.', '3.sec', '12.34.56', 'forever', 'infinity5', '99999999999999999999', '584542y']);
  table('Service', 'TimerSlackNSec', ['5', '5ns', '1.5', '5us', '1s'], ['x', '']);
  table('Service', 'TimeoutAbortSec', ['', '5s'], ['x']);
  table('Socket', 'ReceiveBuffer', ['64K', '1.5M', '8 B', '1G 512M', '10.M', '15E', '0', '17179869183G'], ['1Q', '64KB', '64k', '512M 1G', '.5M', '16E', '', '-1', '17179869184G']);
  table('Socket', 'SocketMode', ['0755', '755', '0', '07777', ' 0644'], ['999', '8', '10000', '0o755', '+0755', '-0', '', 'rw']);
  table('Service', 'KillSignal', ['SIGTERM', 'TERM', '15', '64', 'RTMIN', 'RTMIN+3', 'RTMAX-2', 'SIGRTMIN+30', 'SIGKILL'], ['0', '65', 'RTMIN+31', 'RTMAX+1', 'sigterm', 'SIGFOO', '']);
  table('Service', 'SyslogLevel', ['info', '7', '0x3'], ['8', 'INFO', '']);
  table('Service', 'Nice', ['', '5', '-20', '19'], ['20', '-21', 'x']);
  table('Service', 'OOMScoreAdjust', ['', '-1000', '1000'], ['1001', 'x']);
  table('Service', 'IOSchedulingClass', ['', 'idle', '3', '8'], ['9', 'Idle']);
});

describe('enum parsers (catalog string tables, case-sensitive)', () => {
  table('Service', 'KillMode', ['mixed', 'control-group', 'process', 'none', ''], ['Mixed', 'group', 'yes']);
  table('Service', 'Restart', ['always', 'on-failure', 'no'], ['Always', 'yes', '']);
  table('Service', 'PrivateTmp', ['yes', 'no', 'true', 'OFF', 'disconnected'], ['Disconnected', 'maybe', '']);
  table('Unit', 'OnFailureJobMode', ['replace', 'isolate'], ['Replace', '']);
  it('suggests the right case', () => assert.match(problems('Service', 'Restart', 'Always')[0].message, /did you mean "always"/));
});

describe('[Socket] parsers', () => {
  table('Socket', 'BindIPv6Only', ['default', 'both', 'ipv6-only', 'yes', 'no', 'TRUE'], ['sometimes', 'Both', '']);
  table('Socket', 'SocketProtocol', ['udplite', 'sctp', 'SCTP', 'mptcp', '132', '0x84'], ['tcp', 'udp', '6', '']);
  table('Socket', 'Timestamping', ['off', 'us', 'ns', 'nsec', 'usec', 'µs', 'μs', 'yes', '0'], ['bogus', 'US', '']);
  table('Socket', 'IPTOS', ['', 'low-delay', 'throughput', 'reliability', 'low-cost', '255', '0x10'], ['256', 'Low-Delay', 'bogus']);
  table('Socket', 'FileDescriptorName', ['', 'foo', 'a b', 'a'.repeat(255), '%n', '100%'], ['foo:bar', 'a'.repeat(256), 'föö', 'tab\there', '%e']);
  table('Socket', 'Service', ['foo.service', 'foo@bar.service', '%p@%i.service'], ['foo.socket', 'foo@.service', '@foo.service', 'foo bar.service', '', '%e.service']);
  table('Socket', 'BindToDevice', ['eth0', '*', '', 'lo', 'a'.repeat(15)], ['a'.repeat(16), '1', 'a:b', 'a/b', 'all', '.', 'a%b']);
  table('Socket', 'Symlinks', ['', '/run/a', '/run/a /run/b', '"/run/x y"', '//run/./a/'], ['rel', '/run/a rel', '/a/../b', '%e', '"/run/a']);
  // "123" is a UID; "+1" is none (no sign allowed), and like "a b" and "user.name" passes only the relaxed name
  // rules: systemd loads the unit (with a notice) and the lookup at start decides (relaxed-user-name, advice).
  table('Socket', 'SocketUser', ['root', '0', '123', '4294967294', 'nobody4', '%u', '_apt', 'web-1'], ['65535', '4294967295', '-1', '00', 'a:b', 'a/b', '.', '%e']);
  describe('Socket.SocketUser relaxed names', () => {
    for (const v of ['+1', 'a b', 'user.name', 'myapp   # comment', '0day']) {
      it(`loads ${JSON.stringify(v)} with advice only`, () => {
        assert.deepEqual(problems('Socket', 'SocketUser', v).map((p) => [p.code, p.effect]), [['relaxed-user-name', 'advice']]);
      });
    }
  });

  it('SocketUser= failures refuse the unit', () => assert.match(problems('Socket', 'SocketUser', '65535')[0].message, /refuses to load the unit/));
  it('Service= of a template explains the missing instance', () => assert.match(problems('Socket', 'Service', 'foo@.service')[0].message, /template/));
});

describe('Listen*= values (validator)', () => {
  table('Socket', 'ListenStream', [
    '', '8080', '65535', '127.0.0.1:80', '[::1]:53', '[fe80::1]:80%%eth0', '[fe80::1]:80%%2', '/run/foo.sock', '/' + 'a'.repeat(106), '@abstract', '@' + 'a'.repeat(106),
    'vsock:2:1234', 'vsock::1', 'vsock:host:1', 'vsock-stream:1:2', '0x50', '+80', '010', '1.2.3.4:0x50', '[::ffff:1.2.3.4]:80', '%t/foo.sock', '/run/100%',
  ], [
    '0', '65536', '70000', '1.2.3.4', '[::1]:0', '::1', '[fe80::1]:80%eth0', '/' + 'a'.repeat(107), '@', '@' + 'a'.repeat(107), '/', 'foo bar', '8080 # http',
    'relative/path', '08', '-1', '01.2.3.4:80', '[1.2.3.4]:80', '[::1]:80#x', '[::1]:80%%', '[::1]:80%%all', '[::1]:80%%a%%b', '[]:80', '[::1]x:80', '1.2.3.4:', ':80',
    '1:2', '[::1]', 'vsock:2', 'vsock:x:1', 'vsock:2:4294967295', 'vsock:2:5:6', 'VSOCK:2:1', '%e',
  ]);
  table('Socket', 'ListenDatagram', ['8080', '/run/x', 'vsock-dgram::5555'], ['0', 'x']);
  table('Socket', 'ListenSequentialPacket', ['/run/x.sock', '@x'], ['8080', '127.0.0.1:5', 'vsock:2:3']);
  table('Socket', 'ListenNetlink', ['route 1', 'kobject-uevent', 'route', '15', 'route  1', 'route 0x10', 'audit 4294967295', '2147483647', 'rou\\te'], [
    'bogus-family', 'route x', 'route 1 2', 'route -1', 'audit 4294967296', '2147483648', 'Route', 'route\\',
  ]);
  table('Socket', 'ListenFIFO', ['/run/fifo', '/run//x/', '/../run/x'], ['relative/path', '/dev/x', '/proc/x', '/sys/x', '/run/../x', '/run/' + 'a'.repeat(256), '%e']);
  table('Socket', 'ListenSpecial', ['/dev/x', '/proc/kmsg'], ['rel', '/dev/../x']);
  table('Socket', 'ListenMessageQueue', ['/q'], ['q', '/dev/mqueue/q']);
  table('Socket', 'ListenUSBFunction', ['/run/ffs'], ['ffs']);

  it('/var/run paths get a legacy-path advice, not an ignore', () => {
    for (const [key, v] of [['ListenStream', '/var/run/x.sock'], ['ListenFIFO', '/var/run/f'], ['ListenDatagram', '/var//run/x']]) {
      const ps = problems('Socket', key, v);
      assert.equal(ps.length, 1);
      assert.equal(ps[0].code, 'legacy-path');
      assert.equal(ps[0].effect, 'advice');
      assert.match(ps[0].message, /\/run\/x|\/run\/f/);
    }
    // Only ListenFIFO= and AF_UNIX paths are rewritten.
    assert.deepEqual(problems('Socket', 'ListenSpecial', '/var/run/x'), []);
  });
  it('invalid addresses carry the listen code', () => {
    assert.equal(problems('Socket', 'ListenStream', '1.2.3.4')[0].code, 'invalid-listen-address');
  });
  it('unknown specifier has exact offsets', () => {
    const ps = problems('Socket', 'ListenStream', '[fe80::1]:80%eth0');
    assert.equal(ps.length, 1);
    assert.equal(ps[0].code, 'unknown-specifier');
    assert.deepEqual([ps[0].start, ps[0].end], [12, 14]);
  });
  it('expands specifiers from the unit name when it is known', () => {
    // %i is empty in a non-instance unit: ".sock" is no address.
    assert.ok(dropped(problems('Socket', 'ListenStream', '%i.sock', 'web.socket')));
    assert.deepEqual(problems('Socket', 'ListenStream', '%i.sock', 'web@.socket'), []);
    assert.deepEqual(problems('Socket', 'ListenStream', '/run/%p.sock', 'web@.socket'), []);
    assert.deepEqual(problems('Socket', 'ListenStream', '/run/%n', 'web.socket'), []);
  });
});

describe('parseListenAddress', () => {
  const ok = (d: string, v: string, unitName?: string): ListenOk => {
    const r = parseListenAddress(d, v, unitName);
    assert.ok(r.ok, `${d}=${v}: ${r.ok ? '' : r.message}`);
    return r;
  };
  const bad = (d: string, v: string, re?: RegExp): void => {
    const r = parseListenAddress(d, v);
    assert.equal(r.ok, false, `${d}=${v} should fail`);
    if (re && !r.ok) assert.match(r.message, re);
  };
  it('port only = dual-stack [::]', () => assert.deepEqual(ok('ListenStream', '8080'), { ok: true, kind: 'inet6', socketType: 'stream', host: '::', port: 8080, acceptable: true, fileSystemNode: false }));
  it('IPv4', () => assert.deepEqual(ok('ListenStream', '127.0.0.1:80'), { ok: true, kind: 'inet', socketType: 'stream', host: '127.0.0.1', port: 80, acceptable: true, fileSystemNode: false }));
  it('IPv6 with scope', () => {
    const r = ok('ListenDatagram', '[fe80::1]:80%%eth0');
    assert.equal(r.kind, 'inet6');
    assert.equal(r.host, 'fe80::1');
    assert.equal(r.scopeInterface, 'eth0');
    assert.equal(r.socketType, 'dgram');
    assert.equal(r.acceptable, false);
  });
  it('AF_UNIX path and abstract', () => {
    const p = ok('ListenStream', '/run/foo.sock');
    assert.equal(p.kind, 'unix-path');
    assert.equal(p.fileSystemNode, true);
    const a = ok('ListenSequentialPacket', '@abstract');
    assert.equal(a.kind, 'unix-abstract');
    assert.equal(a.socketType, 'seqpacket');
    assert.equal(a.acceptable, true);
    assert.equal(a.fileSystemNode, false);
  });
  it('AF_UNIX limit counts UTF-8 bytes', () => {
    ok('ListenStream', '/' + 'é'.repeat(53)); // 107 bytes
    bad('ListenStream', '/' + 'é'.repeat(53) + 'x', /108 bytes/);
  });
  it('vsock', () => {
    const r = ok('ListenStream', 'vsock:2:1234');
    assert.deepEqual([r.kind, r.vsockCid, r.port], ['vsock', '2', 1234]);
    assert.equal(ok('ListenDatagram', 'vsock-dgram::5555').socketType, 'dgram');
    assert.equal(ok('ListenStream', 'vsock:2:0').port, 0);
  });
  it('netlink', () => {
    const r = ok('ListenNetlink', 'route 1');
    assert.deepEqual([r.kind, r.socketType, r.netlinkFamily, r.netlinkGroup, r.acceptable], ['netlink', 'raw', 'route', 1, false]);
    assert.equal(ok('ListenNetlink', 'kobject-uevent').netlinkGroup, undefined);
    bad('ListenNetlink', 'bogus-family', /Unknown netlink family/);
  });
  it('FIFO, special, mqueue, USB', () => {
    assert.deepEqual(ok('ListenFIFO', '/run/f'), { ok: true, kind: 'fifo', socketType: 'fifo', acceptable: false, path: '/run/f', fileSystemNode: true });
    assert.equal(ok('ListenSpecial', '/dev/x').kind, 'special');
    assert.equal(ok('ListenMessageQueue', '/q').kind, 'mqueue');
    assert.equal(ok('ListenUSBFunction', '/run/ffs').kind, 'usb-function');
    bad('ListenFIFO', '/dev/x', /API VFS/);
    bad('ListenFIFO', 'relative/path', /not absolute/);
  });
  it('legacy /var/run is rewritten', () => {
    const r = ok('ListenStream', '/var/run/x.sock');
    assert.equal(r.path, '/run/x.sock');
    assert.equal(r.legacyPathFrom, '/var/run/x.sock');
  });
  it('explains common mistakes', () => {
    bad('ListenStream', '0', /Port 0/);
    bad('ListenStream', '70000', /out of range/);
    bad('ListenStream', '1.2.3.4', /no port/);
    bad('ListenStream', '::1', /\[::1\]:PORT/);
    bad('ListenStream', '8080 # http', /#/);
    bad('ListenSequentialPacket', '8080', /AF_UNIX/);
    bad('ListenStream', '[fe80::1]:80%eth0', /%e/);
    bad('ListenStream', '');
    bad('Listen', '8080');
  });
  it('values with specifiers are accepted as a best guess', () => {
    const r = ok('ListenStream', '%t/foo.sock');
    assert.equal(r.unresolved, true);
    assert.equal(r.kind, 'unix-path');
    assert.equal(ok('ListenStream', '%i').unresolved, true);
    assert.equal(ok('ListenStream', '/run/%i.sock', 'foo.socket').unresolved, undefined);
  });
});

describe('version differences (systemd 252 vs 257)', () => {
  const at = (v: number, section: Section, key: string, value: string): boolean => dropped(problems(section, key, value, undefined, v));
  it('vsock prefixes and CID names are new after 252', () => {
    assert.equal(at(252, 'Socket', 'ListenDatagram', 'vsock-dgram::5555'), true);
    assert.equal(at(257, 'Socket', 'ListenDatagram', 'vsock-dgram::5555'), false);
    assert.equal(at(252, 'Socket', 'ListenStream', 'vsock:host:1'), true);
    assert.equal(at(257, 'Socket', 'ListenStream', 'vsock:host:1'), false);
    assert.equal(at(252, 'Socket', 'ListenStream', 'vsock:2:4294967295'), false);
    assert.equal(at(257, 'Socket', 'ListenStream', 'vsock:2:4294967295'), true);
  });
  it('API VFS paths for ListenFIFO= are refused from 257', () => {
    assert.equal(at(252, 'Socket', 'ListenFIFO', '/dev/x'), false);
    assert.equal(at(257, 'Socket', 'ListenFIFO', '/dev/x'), true);
    assert.equal(at(255, 'Socket', 'ListenFIFO', '/dev/x'), false, 'unknown in between: accept');
  });
  it('a leading "/.." is only dropped after 252', () => {
    assert.equal(at(252, 'Socket', 'ListenFIFO', '/../run/x'), true);
    assert.equal(at(257, 'Socket', 'ListenFIFO', '/../run/x'), false);
  });
  it('"/bin/.." counts as a directory from 257', () => {
    assert.equal(at(252, 'Service', 'ExecStart', '/bin/..'), false);
    assert.equal(at(257, 'Service', 'ExecStart', '/bin/..'), true);
    assert.equal(at(252, 'Service', 'ExecStart', '/bin/'), true);
  });
  it('SocketProtocol=mptcp needs 257', () => {
    assert.equal(at(256, 'Socket', 'SocketProtocol', 'mptcp'), true);
    assert.equal(at(257, 'Socket', 'SocketProtocol', 'mptcp'), false);
  });
  it('parseListenAddress takes the version too', () => {
    assert.equal(parseListenAddress('ListenDatagram', 'vsock-dgram::5555', undefined, 252).ok, false);
    assert.equal(parseListenAddress('ListenDatagram', 'vsock-dgram::5555').ok, true);
  });
});

describe('unit-name parsers', () => {
  table('Unit', 'Wants', [
    'foo.service', 'foo@.service', 'foo@bar.service', 'a.service b.target', 'x\\x2dy.service', 'a@b@c.service', '%n', '%p@%i.service', 'a'.repeat(247) + '.service',
  ], ['foo', 'foo.bogus', '%e.service', '"x.service"', '@x.service', '.service', 'x:y z', 'foo@x.slice', 'foo@.mount', 'a'.repeat(248) + '.service']);
  table('Service', 'Sockets', ['foo.socket', 'a.socket b.socket', 'foo@.socket'], ['foo.service', 'x\\']);
  table('Service', 'Slice', ['foo.slice', 'a-b.slice'], ['foo.service', 'foo@.slice', 'foo@a.slice', 'bar']);
  it('a bad dependency only drops that name', () => {
    const ps = problems('Unit', 'Wants', 'ok.service bad ok2.service');
    assert.equal(ps.length, 1);
    assert.deepEqual([ps[0].start, ps[0].end], [11, 14]);
  });
  it('name specifiers are limited to the unit-name table', () => {
    assert.ok(dropped(problems('Unit', 'Wants', '%t.service')));
    assert.deepEqual(problems('Unit', 'Description', '%t'), []);
  });
});

describe('paths, commands and environment', () => {
  table('Service', 'RootDirectory', ['', '/x', '//x/./y/'], ['rel', '/a/../b']);
  table('Service', 'WorkingDirectory', ['', '/tmp', '~', '-~', '-/tmp', '%h'], ['rel', '-rel', '/a/../b', '%e']);
  table('Service', 'EnvironmentFile', ['', '/etc/x', '-/etc/x'], ['rel', '-rel', '/etc/../x']);
  table('Service', 'ExecSearchPath', ['/a:/b'], ['/a::/b', 'rel:/b', '/a:rel', ':']);
  table('Unit', 'RequiresMountsFor', ['/x', '/x /y', '"/a b"'], ['rel', 'rel /y']);
  table('Unit', 'ConditionPathExists', ['', '/x', '!/x', '|!/x', '%t/x'], ['rel', '!rel', '||/x', '%e']);
  table('Unit', 'Description', ['hi %n', '100%', '50%-ish', '%%e'], ['hi %e']);
  table('Service', 'ExecStart', [
    '', '/bin/true', 'true', '-/bin/true', '@/bin/true true', ':/bin/true', '+/bin/true', '!/bin/true', '!!/bin/true', '-@:+/bin/true x',
    '/bin/true ; /bin/false', '/bin/true \\; x', '"/bin/true" "a b"', '/bin/true %n %%e', '/bin/true 100%', '/bin/tr\\x75e', '/bin/true ;',
  ], [
    'foo/bar', '-foo/bar', '@/bin/true', '/bin/echo "a', '/bin/echo %e', '-/bin/echo %e', '/bin/', '.', '..', '/', '-', '!+/bin/true', '--/bin/true',
    '/bin/true ; rel/x', '/bin/tr\\"ue', 'a'.repeat(256), '/x/' + 'a'.repeat(256),
  ]);
  it('ExecStart= problems refuse the unit unless "-" is used', () => {
    assert.match(problems('Service', 'ExecStart', 'foo/bar')[0].message, /refuses to load the unit/);
    assert.match(problems('Service', 'ExecStart', '-foo/bar')[0].message, /ignores this line/);
  });
  it('unknown escapes in a command are advice', () => {
    assert.ok(advised(problems('Service', 'ExecStart', '/bin/echo \\q')));
  });
  table('Service', 'Environment', ['', 'A=1', 'A=1 B=2', '"A=1 2"', 'A=', '_X=1', 'A=\\u00e9', 'A=\\xc3\\xa9', 'A=%n'], [
    '1A=x', 'A', '"A=1', 'A=\\xff', 'A=%e', 'A-B=1', '=x', 'A=x\\', 'A=\\q', 'A=ok B',
  ]);
  it('a bad environment word is located', () => {
    const ps = problems('Service', 'Environment', 'A=1 "B=2 3" 1C=x');
    assert.equal(ps.length, 1);
    assert.deepEqual([ps[0].start, ps[0].end], [12, 16]);
  });
  table('Service', 'StandardOutput', ['journal', 'file:/x', 'append:/x', 'truncate:/x', 'fd:foo', 'fd:', 'kmsg+console', 'file', 'inherit'], [
    'Journal', 'file:rel', 'fd:a:b', 'bogus', '', 'file:/a/../b',
  ]);
  table('Service', 'StandardInput', ['null', 'tty', 'fd:foo', 'file:/x', 'socket', 'data'], ['file:rel', 'bogus', '']);
  it('StandardOutput=syslog is advice', () => assert.ok(advised(problems('Service', 'StandardOutput', 'syslog'))));
  it('User=nobody is advice', () => assert.ok(advised(problems('Service', 'User', 'nobody'))));
  table('Service', 'SupplementaryGroups', ['', 'a b', 'wheel 10'], ['a 65535', 'a :b', 'x\\']);
});

describe('specifiers', () => {
  it('knows the unit_name_printf and unit_full_printf tables', () => {
    assert.deepEqual([...SPECIFIER_TABLES.name].sort().join(''), 'ABGHMNUWabgijlmnopquvw');
    for (const l of 'iIjJnNpPfyYcrRCdDELSthsTVaAbBHlqmMovwWgGuU') assert.ok(SPECIFIER_TABLES.full.has(l), l);
    for (const l of 'eFkKxXzZ0189') assert.ok(!SPECIFIER_TABLES.full.has(l), l);
  });
  it('describes every specifier in one line', () => {
    for (const l of SPECIFIER_TABLES.full) {
      assert.ok(SPECIFIER_DESCRIPTIONS[l], `description for %${l}`);
      assert.ok(!SPECIFIER_DESCRIPTIONS[l].includes('\n'));
    }
    assert.ok(SPECIFIER_DESCRIPTIONS['%']);
  });
  it('treats %%, a trailing % and % before punctuation as literal', () => {
    const s = scanSpecifiers('a%%b 50% 5%-x %', 'full');
    assert.deepEqual(s.known, []);
    assert.deepEqual(s.unknown, []);
    assert.equal(s.literal, 'a%b 50% 5%-x %');
  });
  it('finds unknown specifiers with exact offsets', () => {
    const ps = unknownSpecifierProblems('x%ey%%z%t%K', 'full', 'Description');
    assert.deepEqual(ps.map((p) => [p.start, p.end, p.code]), [[1, 3, 'unknown-specifier'], [9, 11, 'unknown-specifier']]);
    assert.match(ps[0].message, /Description=/);
    assert.match(ps[0].message, /%e/);
  });
  it('%%e is literal', () => assert.deepEqual(unknownSpecifierProblems('%%e', 'full', 'X'), []));
  it('%t is unknown to unit_name_printf', () => assert.equal(unknownSpecifierProblems('%t', 'name', 'Wants').length, 1));
  it('parsers that do not expand specifiers leave % alone', () => {
    assert.deepEqual(problems('Socket', 'TCPCongestion', '%e'), []);
    assert.ok(!problems('Socket', 'BindToDevice', 'a%e').some((p) => p.code === 'unknown-specifier'));
  });
});

describe('unit names', () => {
  const all = { allowPlain: true, allowTemplate: true, allowInstance: true };
  it('classifies plain, template and instance names', () => {
    assert.ok(isValidUnitName('foo.socket'));
    assert.ok(!isValidUnitName('foo@.socket'));
    assert.ok(isValidUnitName('foo@.socket', { allowTemplate: true }));
    assert.ok(isValidUnitName('foo@bar.socket', { allowInstance: true }));
    assert.ok(!isValidUnitName('foo@bar.socket', { allowTemplate: true }));
    assert.ok(!isValidUnitName('foo.socket', { allowPlain: false, allowTemplate: true }));
  });
  for (const n of ['a.service', 'a-b_c:d.e\\x2d.target', 'a@b@c.service', 'x.scope', 'a'.repeat(247) + '.service']) {
    it(`accepts ${n.slice(0, 40)}`, () => assert.ok(isValidUnitName(n, all)));
  }
  for (const n of ['', 'foo', '.service', '@a.service', 'a.Service', 'a.bogus', 'a b.service', 'ä.service', 'a'.repeat(248) + '.service', 'a/b.service']) {
    it(`rejects ${JSON.stringify(n.slice(0, 40))}`, () => assert.ok(!isValidUnitName(n, all)));
  }
  it('unitTypeOf', () => {
    assert.equal(unitTypeOf('foo@bar.socket'), 'socket');
    assert.equal(unitTypeOf('foo.bogus'), undefined);
    assert.equal(unitTypeOf('service'), undefined);
  });
});

describe('validateFdName', () => {
  for (const v of ['', 'foo', 'a b', '~!', 'a'.repeat(255)]) it(`accepts ${JSON.stringify(v.slice(0, 20))}`, () => assert.deepEqual(validateFdName(v), { ok: true }));
  for (const v of ['a:b', 'a'.repeat(256), 'é', 'a\tb', '\x7f']) it(`rejects ${JSON.stringify(v.slice(0, 20))}`, () => assert.equal(validateFdName(v).ok, false));
});

describe('primitives', () => {
  it('parseSec values', () => {
    const us = (s: string): bigint | undefined => { const r = parseSec(s); return r.ok ? r.value : undefined; };
    assert.equal(us('5min 30s'), 330_000_000n);
    assert.equal(us('1.5h'), 5_400_000_000n);
    assert.equal(us('100'), 100_000_000n);
    assert.equal(us('1M'), 2_629_800_000_000n);
    assert.equal(us('2ms'), 2000n);
    assert.equal(us('infinity'), (1n << 64n) - 1n);
    assert.equal(us('-1'), undefined);
  });
  it('parseNsec default unit', () => {
    const r = parseNsec('1.5');
    assert.ok(r.ok && r.value === 1n);
  });
  it('parseSize values', () => {
    const sz = (s: string, b: 1000 | 1024 = 1024): bigint | undefined => { const r = parseSize(s, b); return r.ok ? r.value : undefined; };
    assert.equal(sz('64K'), 65536n);
    assert.equal(sz('1.5M'), 1572864n);
    assert.equal(sz('1G 512M'), 1610612736n);
    assert.equal(sz('1.5K', 1000), 1500n);
    assert.equal(sz('1Q'), undefined);
  });
  it('safe_atou / safe_atoi corner cases', () => {
    assert.deepEqual(safeAtou('0x10'), { ok: true, value: 16n });
    assert.deepEqual(safeAtou('010'), { ok: true, value: 8n });
    assert.deepEqual(safeAtou('-0'), { ok: true, value: 0n });
    assert.deepEqual(safeAtou('-1'), { ok: false, error: 'ERANGE' });
    assert.deepEqual(safeAtou('08'), { ok: false, error: 'EINVAL' });
    assert.deepEqual(safeAtoi('-0x10'), { ok: true, value: -16n });
  });
  it('inet_pton', () => {
    for (const a of ['1.2.3.4', '0.0.0.0', '255.255.255.255']) assert.ok(parseIPv4(a), a);
    for (const a of ['01.2.3.4', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '']) assert.equal(parseIPv4(a), null, a);
    for (const a of ['::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::ffff:1.2.3.4', 'FE80::1']) assert.ok(parseIPv6(a), a);
    for (const a of ['1:2:3:4:5:6:7::8', ':1::', ':::', '1::2::3', '00000::1', 'fe80::1%eth0', '[::1]', '1.2.3.4']) assert.equal(parseIPv6(a), null, a);
  });
  it('path simplification and checks', () => {
    assert.equal(pathSimplify('//a/./b//'), '/a/b');
    assert.equal(pathSimplify('/../a'), '/a');
    assert.equal(pathSimplify('/a/../b'), '/a/../b');
    assert.deepEqual(checkPath('/a/../b', { absolute: true }), { ok: false, reason: 'is not normalized' });
    assert.deepEqual(checkPath('/dev/x', { absolute: true, nonApiVfs: true }), { ok: false, reason: 'is below API VFS (/dev, /sys or /proc)' });
    assert.deepEqual(checkPath('/devx', { absolute: true, nonApiVfs: true }), { ok: true, simplified: '/devx' });
  });
  it('extract_first_word', () => {
    const words = (s: string, flags = {}): string[] | null => splitWords(s, ' \t\n\r', flags)?.map((w) => new TextDecoder().decode(new Uint8Array(w.bytes))) ?? null;
    assert.deepEqual(words('a  "b c" d', { unquote: true }), ['a', 'b c', 'd']);
    assert.deepEqual(words('a\\ b', {}), ['a b']);
    assert.deepEqual(words('a\\nb', { cunescape: true }), ['a\nb']);
    assert.deepEqual(words('a\\ b', { retainEscape: true }), ['a\\', 'b']);
    assert.equal(words('"a', { unquote: true }), null);
    assert.equal(words('a\\', {}), null);
    const r = extractFirstWord('route  1', 0);
    assert.ok(r.kind === 'word' && r.word.next === 7);
  });
});

describe('validatorForParser', () => {
  it('returns undefined for parsers it does not know', () => {
    assert.equal(validatorForParser('config_parse_rlimit', '0'), undefined);
    assert.equal(validatorForParser('config_parse_no_such_thing', '0'), undefined);
    assert.equal(validatorForParser('toString', '0'), undefined);
  });
  it('only maps parsers that systemd has', () => {
    for (const p of VALIDATED_PARSERS) assert.match(p, /^config_parse_[a-z0-9_]+$/);
  });
  it('covers the parsers the language server relies on', () => {
    const expected = [
      'config_parse_bool', 'config_parse_tristate', 'config_parse_unsigned', 'config_parse_int', 'config_parse_long', 'config_parse_uint64',
      'config_parse_sec', 'config_parse_sec_fix_0', 'config_parse_sec_def_infinity', 'config_parse_nsec', 'config_parse_iec_size',
      'config_parse_si_uint64', 'config_parse_iec_uint64', 'config_parse_mode', 'config_parse_socket_listen', 'config_parse_socket_bind',
      'config_parse_socket_protocol', 'config_parse_socket_timestamping', 'config_parse_ip_tos', 'config_parse_fdname',
      'config_parse_socket_service', 'config_parse_socket_bindtodevice', 'config_parse_unit_path_printf', 'config_parse_unit_path_strv_printf',
      'config_parse_unit_deps', 'config_parse_working_directory', 'config_parse_user_group_compat', 'config_parse_kill_mode',
      'config_parse_exec_input', 'config_parse_exec_output', 'config_parse_signal', 'config_parse_unit_env_file', 'config_parse_environ',
      'config_parse_exec', 'config_parse_service_sockets', 'config_parse_service_type', 'config_parse_service_restart',
    ];
    for (const p of expected) assert.ok(VALIDATED_PARSERS.includes(p), `no validator for ${p}`);
  });
  it('maps every [Socket]-specific parser of the catalog', () => {
    const socketOnly = catalog.directives.filter((d) => d.section === 'Socket' && !catalog.directives.some((o) => o.section === 'Service' && o.name === d.name));
    const unchecked = new Set(['', 'config_parse_warn_compat']);
    for (const d of socketOnly) {
      if (unchecked.has(d.parser)) continue;
      assert.ok(VALIDATED_PARSERS.includes(d.parser), `no validator for ${d.parser} (${d.name}=)`);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Cross-check against the systemd on this machine. Only values whose meaning did not change between
// systemd 252 (Debian 12) and 257 are listed: e.g. 252 does not know vsock-dgram:, the "host" CID,
// PrivateTmp=disconnected, the API-VFS check for ListenFIFO=, and keeps a leading "/.." in paths.

interface Case { section: Section; key: string; value: string }

const SYSTEMD_ADVICE = /legacy directory|Ignoring unknown escape sequences|is obsolete|Special user|deprecated/;

/** Our advice on a line systemd accepts silently is fine: systemd-analyze does not print LOG_NOTICE messages (e.g. the /var/run rewrite). */
function agrees(ours: string, systemd: string): boolean {
  return ours === systemd || (ours === 'advice' && systemd === 'ok');
}

/** What systemd says about each case's line: 'ignored', 'advice' or 'ok'. */
function systemdVerdicts(cases: Case[]): Array<'ignored' | 'advice' | 'ok'> {
  const dir = mkdtempSync(join(tmpdir(), 'values-xcheck-'));
  try {
    const files = cases.map((c, i) => {
      const n = `vc${i}`;
      if (c.section === 'Socket') {
        writeFileSync(join(dir, `${n}.socket`), `[Socket]\nListenStream=/run/${n}.sock\n${c.key}=${c.value}\n`);
        writeFileSync(join(dir, `${n}.service`), '[Service]\nExecStart=/bin/true\n');
        return `${n}.socket`;
      }
      const body = c.section === 'Service'
        ? `[Service]\nExecStart=/bin/true\n${c.key}=${c.value}\n`
        : `[Unit]\n${c.key}=${c.value}\n[Service]\nExecStart=/bin/true\n`;
      writeFileSync(join(dir, `${n}.service`), body);
      return `${n}.service`;
    });
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...files], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    const lines = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n');
    return cases.map((c, i) => {
      const marker = `/${files[i]}:${c.section === 'Unit' ? 2 : 3}: `;
      const about = lines.filter((l) => l.includes(marker));
      if (about.length === 0) return 'ok';
      return about.every((l) => SYSTEMD_ADVICE.test(l)) ? 'advice' : 'ignored';
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ourVerdict(c: Case, i: number, version: number): 'ignored' | 'advice' | 'ok' {
  const ps = problems(c.section, c.key, c.value, `vc${i}.${c.section === 'Socket' ? 'socket' : 'service'}`, version);
  if (dropped(ps)) return 'ignored';
  return ps.length > 0 ? 'advice' : 'ok';
}

const many = (section: Section, key: string, values: string[]): Case[] => values.map((value) => ({ section, key, value }));

const CROSS_CHECK: Case[] = [
  ...many('Socket', 'Accept', ['yes', 'no', 'maybe', 'YES', 'On', '1', '0', 't', 'f', 'y', 'n', '2', '', 'yess']),
  ...many('Socket', 'ListenStream', [
    '8080', '0', '65536', '70000', '127.0.0.1:80', '1.2.3.4', '[::1]:53', '[::1]:0', '::1', '[fe80::1]:80%eth0', '[fe80::1]:80%%lo', '[fe80::1]:80%%1',
    '/run/foo.sock', '/' + 'a'.repeat(107), '/' + 'a'.repeat(106), '@abstract', '@', '@' + 'a'.repeat(107), '@' + 'a'.repeat(106), 'vsock:2:1234', 'vsock::1',
    'vsock:x:1', 'vsock:2', 'vsock:2:4294967294', 'foo bar', '8080 # http', 'relative/path', '0x50', '+80', '010', '08', '-1', '1.2.3.4:0x50',
    '01.2.3.4:80', '[1.2.3.4]:80', '1.2.3.4:80%%lo', '[::1]:80#x', '%t/x.sock', '%i.sock', '/run/%%x', '/run//x/../y.sock', '::ffff:1.2.3.4',
    '[::ffff:1.2.3.4]:80', '/var/run/x.sock', '[::1]:80%%', '[::1]:80%%a%%b', '[::1]:80%%all', '[]:80', '[::1]x:80', 'x[::1]:80', '1.2.3.4:', ':80',
    '1:2', '[::1]', '/', '//', 'vsock:2:0', 'vsock:-1:5', 'vsock:0x2:5', 'vsock:2:5:6', 'vsock', 'VSOCK:2:1', '%p.sock', '/run/%p.sock', '%e',
  ]),
  ...many('Socket', 'ListenDatagram', ['8080', '/run/x', '[::1]:53']),
  ...many('Socket', 'ListenSequentialPacket', ['8080', '/run/x.sock', '@x', '127.0.0.1:5', 'vsock:2:3']),
  ...many('Socket', 'ListenNetlink', ['route 1', 'kobject-uevent', 'bogus-family', 'route', '15', 'route x', 'route 1 2', 'route -1', 'route 0x10', 'audit 4294967296', '2147483647', '2147483648', 'route  1', '"route" 1']),
  ...many('Socket', 'ListenFIFO', ['/run/fifo', 'relative/path', '/run/../x', '/run/./x', '/run//x/', '/devx', '/var/run/f', '/run/' + 'a'.repeat(256)]),
  ...many('Socket', 'ListenSpecial', ['/dev/x', '/proc/kmsg', 'rel']),
  ...many('Socket', 'ListenMessageQueue', ['/q', 'q']),
  ...many('Socket', 'Backlog', ['128', 'abc', '-1', '4294967295', '4294967296', '0x10', '08', '010', '-0', '+5', '']),
  ...many('Socket', 'TimeoutSec', ['5min 30s', 'infinity', '1.5h', '-1', '5 minutes later', '100', '5secs', '.5s', '+5s', '5 5', '5S', '5M', '1y', '0', '', '5m30', '5.']),
  ...many('Socket', 'ReceiveBuffer', ['64K', '1.5M', '1Q', '64KB', '64k', '1G 512M', '512M 1G', '.5M', '10.M', '16E', '1.5E', '', '8 B']),
  ...many('Socket', 'SocketMode', ['0755', '755', '999', '8', '07777', '10000', '0o755', '-0', '+0755', '']),
  ...many('Socket', 'Priority', ['5', '-5', 'abc', '2147483648', '-2147483648', '0x10', '']),
  ...many('Socket', 'MessageQueueMaxMessages', ['5', '-5', '9223372036854775808', '0b101']),
  ...many('Socket', 'BindIPv6Only', ['default', 'both', 'ipv6-only', 'yes', 'no', 'sometimes', 'Both', '']),
  ...many('Socket', 'SocketProtocol', ['udplite', 'sctp', 'SCTP', 'tcp', '132', '0x84', '6', '']),
  ...many('Socket', 'Timestamping', ['off', 'us', 'ns', 'nsec', 'usec', 'µs', 'yes', '0', 'bogus', '']),
  ...many('Socket', 'IPTOS', ['low-delay', 'throughput', 'Low-Delay', '255', '256', '0x10', '', 'bogus']),
  ...many('Socket', 'FileDescriptorName', ['foo', 'foo:bar', 'a'.repeat(255), 'a'.repeat(256), '%n', '%e', 'föö', 'a b', '']),
  ...many('Socket', 'Service', ['foo.service', 'foo.socket', 'foo@.service', 'foo@bar.service', '@foo.service', 'foo bar.service', '', '%n.service', '%p@%i.service', '%e.service']),
  ...many('Socket', 'BindToDevice', ['eth0', '*', '', 'lo', 'a'.repeat(15), 'a'.repeat(16), '1', 'a:b', 'a/b', 'all', '%i']),
  ...many('Socket', 'Symlinks', ['/run/a', '/run/a /run/b', 'rel', '/run/a rel', '"/run/x y"', '%e', '', '/a/../b']),
  ...many('Socket', 'SocketUser', ['root', '65535', '0', '4294967294', '4294967295', '-1', '00', 'a:b', 'nobody4', '%e', '12345678901']),
  ...many('Socket', 'KillSignal', ['SIGTERM', 'TERM', '15', '0', '65', '64', 'RTMIN', 'RTMIN+3', 'RTMAX-2', 'SIGRTMIN+30', 'RTMIN+31', 'sigterm', 'SIGFOO']),
  ...many('Socket', 'TCPCongestion', ['%e', 'cubic']),
  ...many('Service', 'Restart', ['always', 'Always', 'yes', '']),
  ...many('Service', 'RestartSec', ['5', '5s', '', 'x']),
  ...many('Service', 'KillMode', ['mixed', 'Mixed', '']),
  ...many('Service', 'ExecStartPre', [
    '/bin/true', 'true', '-foo/bar', 'foo/bar', '@/bin/true', '@/bin/true x', '/bin/echo "a', '/bin/echo a\\qb', '/bin/echo %e', '-/bin/echo %e',
    '/bin/true ; /bin/false', '/bin/', ':/bin/true', '+!/bin/true', '!!/bin/true', '"/bin/true"', '/bin/tr"ue', '--/bin/true', '-@/bin/true',
    '@@/bin/true x', '!+/bin/true', '!!!/bin/true', '/bin/true \\; x', '/bin/true ; rel/x', '/bin/true x;y', "/bin/true 'a", "-/bin/echo 'a",
    '/bin/tr\\x75e', '/bin/echo \\x00', '/bin/echo \\777', 'bin', './bin', '.', '@', '-', '/bin/true %n %p %i', '/bin/%e', '/bin/true %%e',
    '/bin/true %', 'a'.repeat(256), '/x/' + 'a'.repeat(256), '/bin/tr\\"ue',
  ]),
  ...many('Service', 'Environment', ['A=1', 'A=1 B=2', '1A=x', 'A', '"A=1 2"', '"A=1', 'A=\\xff', 'A=%e', 'A-B=1', '_X=1', 'A=', '=x', 'A=\\q', 'A=\\u00e9', 'A=ok B', '%n=1']),
  ...many('Service', 'EnvironmentFile', ['/etc/x', '-/etc/x', 'rel', '-rel', '/etc/../x']),
  ...many('Service', 'WorkingDirectory', ['/tmp', '~', '-~', 'rel', '-rel', '/a/../b']),
  ...many('Service', 'StandardOutput', ['journal', 'Journal', 'file:/x', 'file:rel', 'append:/x', 'truncate:/x', 'fd:foo', 'fd:a:b', 'fd:', 'syslog', 'kmsg+console', 'file']),
  ...many('Service', 'StandardInput', ['null', 'tty', 'fd:foo', 'file:/x', 'file:rel', 'socket', 'data', 'bogus']),
  ...many('Service', 'Sockets', ['foo.socket', 'foo.service', 'foo@.socket', 'a.socket b.socket']),
  ...many('Service', 'User', ['0', '01', '+1', '4294967294', '-', '.', '..', 'a b', 'nobody', '%n']),
  ...many('Service', 'SupplementaryGroups', ['a b', 'a 65535', 'a :b']),
  ...many('Service', 'Nice', ['5', '-20', '20', '-21', 'x', '']),
  ...many('Service', 'SyslogLevel', ['info', '7', '8', 'INFO', '0x3']),
  ...many('Service', 'UMask', ['0022', '022', '0o22']),
  ...many('Service', 'TimerSlackNSec', ['5', '5ns', '5us', '1.5', 'x', '']),
  ...many('Service', 'OOMScoreAdjust', ['-1000', '1001', 'x', '']),
  ...many('Service', 'IOSchedulingClass', ['idle', '3', '8', '9', 'Idle', '']),
  ...many('Service', 'Slice', ['foo.slice', 'foo.service', 'foo@.slice', 'foo@a.slice', '%p.slice']),
  ...many('Service', 'StandardError', ['journal', 'fd:', 'fd:%n', 'file:/a/../b', 'inherit']),
  ...many('Service', 'RootDirectory', ['/x', 'rel', '']),
  ...many('Service', 'ExecSearchPath', ['/a:/b', '/a::/b', 'rel:/b', '/a:rel', ':']),
  ...many('Unit', 'Wants', ['foo.service', 'foo@.service', 'foo@bar.service', 'foo', 'foo.bogus', 'a.service b', '%e.service', '%i.service', '"x.service"', 'a\\b.service', 'foo@x.slice']),
  ...many('Unit', 'Requires', ['-x.service', 'x..service', '.service', 'x.service.', '@x.service', 'x@@y.service', 'x:y.service', 'a'.repeat(247) + '.service', 'a'.repeat(248) + '.service']),
  ...many('Unit', 'Description', ['hi %n', 'hi %e', '100%', '50%-ish', '%%e']),
  ...many('Unit', 'ConditionPathExists', ['/x', '!/x', '|!/x', 'rel', '!rel', '%t/x']),
  ...many('Unit', 'ConditionHost', ['|!foo', '%e', '| ! %e']),
  ...many('Unit', 'RequiresMountsFor', ['/x', 'rel /y', '"/a b"']),
  ...many('Unit', 'JobTimeoutSec', ['0', 'x']),
  ...many('Unit', 'OnFailureJobMode', ['replace', 'Replace', '']),
];

/**
 * Values whose verdict changed between 252 and 257; checked only against those two versions, where
 * dialect.ts knows the behaviour (in between it leans towards accepting).
 */
const VERSION_SPECIFIC: Case[] = [
  ...many('Socket', 'ListenStream', ['vsock:host:1', 'vsock:hypervisor:1', 'vsock:2:4294967295', 'vsock-stream:2:1']),
  ...many('Socket', 'ListenDatagram', ['vsock-dgram::5555']),
  ...many('Socket', 'ListenFIFO', ['/dev/x', '/proc/x', '/sys/x', '/../run/x']),
  ...many('Socket', 'ListenMessageQueue', ['/dev/mqueue/q']),
  ...many('Socket', 'SocketProtocol', ['mptcp']),
  ...many('Service', 'ExecStartPre', ['/bin/..', '/bin/.']),
];

function systemdVersion(): number | undefined {
  const r = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const m = /systemd (\d+)/.exec(r.stdout ?? '');
  return m ? Number(m[1]) : undefined;
}

describe('cross-check with systemd-analyze verify', () => {
  const version = systemdVersion();
  const cases = version === 252 || (version !== undefined && version >= 257) ? [...CROSS_CHECK, ...VERSION_SPECIFIC] : CROSS_CHECK;
  it(`agrees with the local systemd on ${cases.length} values`, { skip: version === undefined ? 'systemd-analyze is not installed' : false }, () => {
    const verdicts = systemdVerdicts(cases);
    const disagreements = cases.flatMap((c, i) => {
      const ours = ourVerdict(c, i, version ?? 257);
      return agrees(ours, verdicts[i]) ? [] : [`${c.section}.${c.key}=${JSON.stringify(c.value)}: systemd ${verdicts[i]}, we ${ours}`];
    });
    assert.deepEqual(disagreements, []);
  });
});

describe('utf8ByteLength', () => {
  it('counts the bytes of UTF-8 as the code points do, surrogate pairs and lone surrogates included', async () => {
    const { utf8ByteLength } = await import('../server/src/service/values/words');
    const fc = (await import('fast-check')).default;
    const byCodePoints = (s: string) => [...s].reduce((n, ch) => {
      const cp = ch.codePointAt(0)!;
      return n + (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
    }, 0);
    assert.equal(utf8ByteLength('a€😀'), 1 + 3 + 4);
    assert.equal(utf8ByteLength('\ud800x'), 3 + 1);
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => utf8ByteLength(s) === byCodePoints(s)), { numRuns: 5000, seed: 15 });
    // Against Node's own encoder where the string is well-formed.
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => utf8ByteLength(s) === Buffer.byteLength(s, 'utf8')), { numRuns: 2000, seed: 16 });
  });
});
