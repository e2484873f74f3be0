/**
 * `sockact lint [--format text|json] [--systemd-version N] PATH...`: the language service's diagnostics
 * for unit files, each read with the socket or service beside it from the disk. Its own bundle
 * (dist/lint.js): a lint run loads neither the language server, nor activation, nor deploy.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-types';
import { decodeUnitBytes } from '../node/fileResolver';
import { resolveSystemdVersion } from '../node/systemdVersion';
import { catalog } from '../data/catalog.generated';
import { OLDEST_SUPPORTED_VERSION } from '../service/versions';
import { WorkspaceIndex } from '../node/workspaceIndex';
import { createLanguageService } from '../service/languageService';
import { writeErr, writeOut } from './output';
import { reportFailure, UsageError } from './usage';

const SEVERITY_NAMES = ['', 'error', 'warning', 'information', 'hint'] as const;

interface LintOptions {
  format: 'text' | 'json';
  systemdVersion?: string;
  paths: string[];
}

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: (typeof SEVERITY_NAMES)[number];
  code: string;
  message: string;
}

function parseLintArgs(args: string[]): LintOptions {
  const options: LintOptions = { format: 'text', paths: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const takeValue = () => inline ?? args[++i] ?? (() => { throw new UsageError(`${flag} needs a value`); })();
    if (flag === '--format') {
      const format = takeValue();
      if (format !== 'text' && format !== 'json') throw new UsageError(`unknown format '${format}' (use text or json)`);
      options.format = format;
    } else if (flag === '--systemd-version') {
      const version = takeValue();
      if (!/^\d+$/.test(version)) throw new UsageError(`--systemd-version wants a number such as 252, not '${version}'`);
      const newest = catalog.newestVersion;
      if (Number(version) < OLDEST_SUPPORTED_VERSION || Number(version) > newest) {
        throw new UsageError(`--systemd-version ${version} is outside what sockact knows (${OLDEST_SUPPORTED_VERSION} to ${newest})`);
      }
      options.systemdVersion = version;
    } else if (arg === '--') {
      options.paths.push(...args.slice(i + 1));
      break;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      options.paths.push(arg);
    }
  }
  if (!options.paths.length) throw new UsageError('no files given');
  return options;
}

/** Reads a unit file, or says in one line why it can't be linted (or that there is nothing to lint). */
function readUnitText(path: string): { text: string } | { error: string } | { note: string } {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code})` };
  }
  if (stat.isDirectory()) return { error: 'is a directory; pass the unit files inside it (e.g. DIR/*.socket)' };
  if (!stat.isFile()) {
    // A unit linked to /dev/null is masked: systemd knows it and refuses to load it, on purpose.
    if (stat.isCharacterDevice() && isDevNull(path)) return { note: 'masked (a link to /dev/null): systemd will not load it, nothing to check' };
    return { error: 'not a regular file' };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { error: `cannot read (${(e as NodeJS.ErrnoException).code})` };
  }
  if (bytes.subarray(0, 8192).includes(0)) return { error: 'looks like a binary file, not a unit file' };
  return { text: decodeUnitBytes(bytes) };
}

function isDevNull(path: string): boolean {
  try {
    return realpathSync(path) === '/dev/null';
  } catch {
    return false;
  }
}

function toJson(file: string, d: Diagnostic): JsonDiagnostic {
  return {
    file,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    severity: SEVERITY_NAMES[d.severity ?? 1],
    code: String(d.code),
    message: d.message,
  };
}

function formatText(d: JsonDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code} ${d.message}`;
}

/** Returns the exit status: 0 clean or advice only, 1 when systemd would refuse something, 2 when a file could not be read. */
export function lint(args: string[]): number {
  const options = parseLintArgs(args);
  // No workspace: every unit, and the socket or service beside it, is read from the disk, once per run.
  const service = createLanguageService({ index: new WorkspaceIndex([], { snapshot: true }) });
  const systemdVersion = resolveSystemdVersion(options.systemdVersion ?? 'auto', service.catalog.newestVersion);
  const results: JsonDiagnostic[] = [];
  let unreadable = false;
  for (const file of options.paths) {
    const read = readUnitText(file);
    if ('note' in read) {
      writeErr(`sockact: ${file}: ${read.note}\n`);
      continue;
    }
    if ('error' in read) {
      writeErr(`sockact: ${file}: ${read.error}\n`);
      unreadable = true;
      continue;
    }
    const document = TextDocument.create(pathToFileURL(resolve(file)).href, 'systemd-unit-file', 1, read.text);
    const diagnostics = service.doValidation(document, service.parse(document), { systemdVersion });
    results.push(...diagnostics.map((d) => toJson(file, d)));
  }
  if (options.format === 'json') writeOut(JSON.stringify(results, null, 2) + '\n');
  else writeOut(results.map((d) => formatText(d) + '\n').join(''));
  if (unreadable) return 2;
  return results.some((d) => d.severity === 'error') ? 1 : 0;
}

/** The bundle's entry: the exit status, every failure already said in one line. */
export function run(args: string[]): number {
  try {
    return lint(args);
  } catch (e) {
    return reportFailure(e);
  }
}
