/**
 * The agreement rules between `sockact lint` and one version's `systemd-analyze verify`, per file and
 * per line, shared by the fixture harness (verify-agreement.test.ts) and the shipped-units guard
 * (system-units.test.ts):
 *   - Error exactly where systemd refuses the unit (a unit-level refusal line names the file);
 *   - a Warning (or an Error) on every line systemd reports as ignored ("…, ignoring." / "Ignoring.");
 *     where it says it uses another value ("automatically updating to journal") a Warning is allowed;
 *   - no Warning on a line systemd prints nothing about, or only a notice about (a line systemd applies
 *     while complaining is information), except for the codes in SILENT_EFFECT_CODES: lines that have no
 *     effect although systemd does not say so (a single-value key set again later, …).
 * Disagreements that come from the directive catalog (a key or an enum word the catalog does not have
 * right at that version) are told apart, so that they can be reported as the catalog's and not ours.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCatalog } from '../../server/src/service/catalog';
import type { JsonDiag, VerifyMessage, VerifyOutcome } from './cli';

/** Warnings for lines that have no effect while systemd stays silent about them (see codes.ts). */
export const SILENT_EFFECT_CODES: ReadonlySet<string> = new Set([
  'overridden-directive', // a single-value key set again: the last one wins, systemd says nothing
  'fdname-per-socket', // FileDescriptorName= again: one name for all sockets of the unit
  'template-shared-address', // every instance binds the same address: fails at start, not at load
  'missing-socket-unit', // Sockets= naming a unit that is not there: nothing to hand over
  'accept-needs-template', // in foo.service: the socket never starts it
  'relative-exec-argument', // a relative script without WorkingDirectory=: the start fails, loading does not
]);

export type DisagreementClass =
  | 'refused-without-error'
  | 'error-on-accepted-unit'
  | 'ignored-line-without-warning'
  | 'warning-on-silent-line'
  | 'warning-on-notice-line';

export interface Disagreement {
  cls: DisagreementClass;
  file: string;
  line?: number;
  /** What systemd said about the unit or line ("" when nothing). */
  systemd: string;
  /** Our diagnostics on that unit or line. */
  ours: JsonDiag[];
  /** Set when the cause is the directive catalog (unknown key, key systemd lacks, enum word). */
  catalogCause?: string;
}

/** A systemd message about a line that says the line (or part of it, like the "!!" prefix) is dropped. */
export function isIgnoredLineMessage(m: VerifyMessage): boolean {
  return /ignor/i.test(m.text);
}

/**
 * A message saying systemd uses another value than the one written ("Standard output type syslog is
 * obsolete, automatically updating to journal"): a Warning is right there (what runs is not what is
 * written), and so is information.
 */
export function isReplacedValueMessage(m: VerifyMessage): boolean {
  return /automatically updating to/i.test(m.text);
}

const CATALOG_KEY_CODES = new Set(['unknown-directive', 'directive-too-new', 'removed-directive']);

function covers(d: JsonDiag, line: number): boolean {
  return d.line <= line && line <= (d.endLine ?? d.line);
}

/** Compare one file: systemd's outcome for the files it was verified with, and our diagnostics for it. */
export function compareFile(file: string, v: VerifyOutcome, ours: readonly JsonDiag[], version: number): Disagreement[] {
  const out: Disagreement[] = [];
  const refusals = v.refusals.filter((r) => r.file === file).map((r) => r.text);
  const errors = ours.filter((d) => d.severity === 'error');
  if (refusals.length > 0 && errors.length === 0) out.push({ cls: 'refused-without-error', file, systemd: refusals.join(' | '), ours: [...ours] });
  if (refusals.length === 0 && errors.length > 0) {
    out.push(withCatalogCause({ cls: 'error-on-accepted-unit', file, systemd: '', ours: errors }, version));
  }

  const messages = v.parseMessages.filter((m) => m.file === file && m.line !== undefined);
  const ignoredLines = new Map<number, string[]>();
  const noticeLines = new Map<number, string[]>();
  for (const m of messages) {
    const target = isIgnoredLineMessage(m) || isReplacedValueMessage(m) ? ignoredLines : noticeLines;
    target.set(m.line!, [...(target.get(m.line!) ?? []), m.text]);
  }
  for (const [line, texts] of ignoredLines) {
    if (texts.every((t) => isReplacedValueMessage({ subject: '', text: t }))) continue; // a Warning is allowed, not required
    const here = ours.filter((d) => covers(d, line) && (d.severity === 'error' || d.severity === 'warning'));
    if (here.length === 0) {
      out.push(withCatalogCause({ cls: 'ignored-line-without-warning', file, line, systemd: texts.join(' | '), ours: ours.filter((d) => covers(d, line)) }, version));
    }
  }
  for (const d of ours) {
    if (d.severity !== 'warning' || SILENT_EFFECT_CODES.has(d.code)) continue;
    // systemd's notice about a relaxed name names no file or line: match it by the name.
    if (d.code === 'relaxed-user-name' && v.relaxedNames.some((n) => d.message.includes(`=${n} only`))) continue;
    const lines = [];
    for (let l = d.line; l <= (d.endLine ?? d.line); l++) lines.push(l);
    if (lines.some((l) => ignoredLines.has(l))) continue;
    const notice = lines.flatMap((l) => noticeLines.get(l) ?? []);
    const cls: DisagreementClass = notice.length ? 'warning-on-notice-line' : 'warning-on-silent-line';
    out.push(withCatalogCause({ cls, file, line: d.line, systemd: notice.join(' | '), ours: [d] }, version));
  }
  return out;
}

/** Marks a disagreement that the directive catalog causes. */
function withCatalogCause(d: Disagreement, version: number): Disagreement {
  const cause = catalogCause(d, version);
  return cause ? { ...d, catalogCause: cause } : d;
}

function catalogCause(d: Disagreement, version: number): string | undefined {
  if (d.cls === 'ignored-line-without-warning' && /Unknown key name|Unknown key '/.test(d.systemd)) {
    return `the catalog has a key systemd ${version} does not know`;
  }
  if (d.cls === 'warning-on-silent-line' || d.cls === 'error-on-accepted-unit' || d.cls === 'warning-on-notice-line') {
    if (d.ours.length > 0 && d.ours.every((x) => CATALOG_KEY_CODES.has(x.code))) return `systemd ${version} knows the key, the catalog does not`;
    if (d.ours.length > 0 && d.ours.every((x) => x.code === 'invalid-value' && isCatalogEnumLine(d.file, x.line, version))) {
      return `an enum word systemd ${version} accepts and the catalog does not list`;
    }
  }
  return undefined;
}

/** Whether the directive on that line is validated from the catalog's enum words. */
function isCatalogEnumLine(file: string, line: number, _version: number): boolean {
  const at = keyAt(file, line);
  if (!at) return false;
  const def = defaultCatalog().lookup(at.section, at.key);
  return !!def?.enumValues;
}

function keyAt(file: string, line: number): { section: string; key: string } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(file, 'utf8').split(/\r\n|\r|\n/);
  } catch {
    return undefined;
  }
  let section = '';
  for (let i = 0; i < line && i < lines.length; i++) {
    const m = /^\s*\[([^\]]+)\]\s*$/.exec(lines[i]);
    if (m) section = m[1];
  }
  const m = /^\s*([A-Za-z0-9_-]+)\s*=/.exec(lines[line - 1] ?? '');
  return m ? { section, key: m[1] } : undefined;
}

/** One line per disagreement, for failure messages and the measurement report. */
export function describeDisagreement(d: Disagreement, relativeTo?: string): string {
  const f = relativeTo ? path.relative(relativeTo, d.file) : d.file;
  const where = d.line ? `${f}:${d.line}` : f;
  const ours = d.ours.length ? d.ours.map((x) => `${x.severity} ${x.code}`).join(', ') : '(nothing)';
  const cat = d.catalogCause ? ` [catalog: ${d.catalogCause}]` : '';
  return `${d.cls}: ${where}: systemd: ${d.systemd || '(nothing)'}; sockact: ${ours}${cat}`;
}
