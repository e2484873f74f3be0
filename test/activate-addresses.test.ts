/**
 * The socket addresses `sockact activate` builds byte by byte, and how it reads an accepted peer back into
 * REMOTE_ADDR/REMOTE_PORT the way systemd does (IPv4-mapped peers as IPv4, RFC 5952 text for IPv6).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describePeer, sockaddrIn, sockaddrIn6, sockaddrUn } from '../server/src/activate/libc';

test('IPv4 and IPv6 addresses read back as written, the port in network order', () => {
  assert.deepEqual(describePeer(sockaddrIn('127.0.0.1', 8080)), { addr: '127.0.0.1', port: 8080 });
  assert.equal(sockaddrIn('127.0.0.1', 8080).readUInt16BE(2), 8080);
  for (const [written, read] of [
    ['::1', '::1'],
    ['fe80::1:2', 'fe80::1:2'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the longest run of zeros is the one compressed
    ['2001:db8::', '2001:db8::'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ]) {
    assert.deepEqual(describePeer(sockaddrIn6(written, 443)), { addr: read, port: 443 }, written);
  }
});

test('an IPv4-mapped IPv6 peer is shown as IPv4, as systemd sets REMOTE_ADDR', () => {
  assert.deepEqual(describePeer(sockaddrIn6('::ffff:192.0.2.7', 5000)), { addr: '192.0.2.7', port: 5000 });
});

test('Unix addresses: a path ends with its NUL, an abstract name is exactly as long as the name', () => {
  const path = sockaddrUn('/run/x.sock');
  assert.equal(path.length, 2 + '/run/x.sock'.length + 1);
  assert.deepEqual(describePeer(path), { path: '/run/x.sock' });
  const abstract = sockaddrUn('@name');
  assert.equal(abstract.length, 2 + 1 + 'name'.length, 'no padding to 108 bytes');
  assert.deepEqual(describePeer(abstract), { path: '@name' });
  assert.throws(() => sockaddrUn(`/${'x'.repeat(108)}`), /ENAMETOOLONG/);
});
