/**
 * A unified line diff (Myers' O(ND) algorithm, 3 lines of context), enough to show what a deploy changes in
 * a unit file without pulling in a dependency. A last line without a newline is a different line from the
 * same text with one, and is marked "\ No newline at end of file" as diff(1) does.
 */

interface Line {
  text: string;
  eol: boolean;
}

type Op = { kind: ' ' | '-' | '+'; line: Line };

function splitLines(text: string): Line[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const last = parts.pop()!;
  const lines = parts.map((t) => ({ text: t, eol: true }));
  if (last !== '') lines.push({ text: last, eol: false });
  return lines;
}

const same = (x: Line, y: Line) => x.text === y.text && x.eol === y.eol;

/** The shortest edit script from a to b, as keep/delete/insert operations in order. */
function editScript(a: Line[], b: Line[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Array<number>(2 * max + 3).fill(0);
  const trace: number[][] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && same(a[x], b[y])) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace back from (n, m) to (0, 0).
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[--x] });
      y--;
    }
    if (d > 0) {
      if (x === prevX) ops.push({ kind: '+', line: b[--y] });
      else ops.push({ kind: '-', line: a[--x] });
    }
  }
  return ops.reverse();
}

/**
 * `--- oldLabel` / `+++ newLabel` and @@ hunks, lines ending in '\n'; '' when the texts are equal.
 * `context`: unchanged lines shown around each change.
 */
export function unifiedDiff(oldText: string, newText: string, oldLabel: string, newLabel: string, context = 3): string {
  if (oldText === newText) return '';
  const ops = editScript(splitLines(oldText), splitLines(newText));
  // Positions (0-based) in a and b before each op.
  const posA: number[] = [];
  const posB: number[] = [];
  let ia = 0;
  let ib = 0;
  for (const op of ops) {
    posA.push(ia);
    posB.push(ib);
    if (op.kind !== '+') ia++;
    if (op.kind !== '-') ib++;
  }
  const changed = ops.map((op, i) => (op.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  // Group changes whose context overlaps into hunks [from, to) over ops.
  const hunks: Array<[number, number]> = [];
  for (const i of changed) {
    const from = Math.max(0, i - context);
    const to = Math.min(ops.length, i + 1 + context);
    const lastHunk = hunks[hunks.length - 1];
    if (lastHunk && from <= lastHunk[1]) lastHunk[1] = to;
    else hunks.push([from, to]);
  }
  let out = `--- ${oldLabel}\n+++ ${newLabel}\n`;
  for (const [from, to] of hunks) {
    const slice = ops.slice(from, to);
    const lenA = slice.filter((o) => o.kind !== '+').length;
    const lenB = slice.filter((o) => o.kind !== '-').length;
    // diff(1): an empty range is numbered by the line before it.
    const startA = lenA ? posA[from] + 1 : posA[from];
    const startB = lenB ? posB[from] + 1 : posB[from];
    out += `@@ -${startA}${lenA === 1 ? '' : `,${lenA}`} +${startB}${lenB === 1 ? '' : `,${lenB}`} @@\n`;
    for (const op of slice) {
      out += `${op.kind}${op.line.text}\n`;
      if (!op.line.eol) out += '\\ No newline at end of file\n';
    }
  }
  return out;
}
