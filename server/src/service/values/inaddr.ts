/**
 * IP address literals with glibc inet_pton() semantics, which systemd's in_addr_from_string() uses.
 *
 * IPv4: exactly four dotted decimal parts 0..255, no leading zeros ("01" fails), nothing else.
 * IPv6: up to eight groups of 1..4 hex digits, one "::" that must stand for at least one group, and an
 * optional trailing dotted IPv4 part; no zone index ("%eth0") and no brackets.
 */

/** inet_pton(AF_INET, …): returns the four bytes, or null. */
export function parseIPv4(s: string): number[] | null {
  const out = [0];
  let sawDigit = false;
  let octets = 0;
  for (const ch of s) {
    if (ch >= '0' && ch <= '9') {
      const cur = out[out.length - 1];
      if (sawDigit && cur === 0) return null; // leading zero
      const next = cur * 10 + (ch.charCodeAt(0) - 48);
      if (next > 255) return null;
      out[out.length - 1] = next;
      if (!sawDigit) {
        if (++octets > 4) return null;
        sawDigit = true;
      }
    } else if (ch === '.' && sawDigit) {
      if (octets === 4) return null;
      out.push(0);
      sawDigit = false;
    } else {
      return null;
    }
  }
  return octets < 4 ? null : out;
}

function hexDigit(ch: string): number {
  const i = '0123456789abcdef'.indexOf(ch.toLowerCase());
  return ch.length === 1 ? i : -1;
}

/** inet_pton(AF_INET6, …): returns the sixteen bytes, or null. */
export function parseIPv6(s: string): number[] | null {
  if (s === '') return null;
  let i = 0;
  if (s[0] === ':') {
    if (s[1] !== ':') return null;
    i = 1;
  }
  const bytes: number[] = [];
  let colonAt: number | null = null;
  let curTok = i;
  let digits = 0;
  let val = 0;
  while (i < s.length) {
    const ch = s[i++];
    const d = hexDigit(ch);
    if (d >= 0) {
      if (digits === 4) return null;
      val = (val << 4) | d;
      digits++;
      continue;
    }
    if (ch === ':') {
      curTok = i;
      if (digits === 0) {
        if (colonAt !== null) return null;
        colonAt = bytes.length;
        continue;
      }
      if (i >= s.length) return null; // trailing single ':'
      if (bytes.length + 2 > 16) return null;
      bytes.push(val >> 8, val & 0xff);
      digits = 0;
      val = 0;
      continue;
    }
    if (ch === '.' && bytes.length + 4 <= 16) {
      const v4 = parseIPv4(s.slice(curTok));
      if (v4 === null) return null;
      bytes.push(...v4);
      digits = 0;
      break;
    }
    return null;
  }
  if (digits > 0) {
    if (bytes.length + 2 > 16) return null;
    bytes.push(val >> 8, val & 0xff);
  }
  if (colonAt !== null) {
    if (bytes.length === 16) return null; // "::" would stand for nothing
    const tail = bytes.splice(colonAt);
    while (bytes.length + tail.length < 16) bytes.push(0);
    bytes.push(...tail);
  }
  return bytes.length === 16 ? bytes : null;
}
