/**
 * `sockact`: the same engine as the language server, for terminals, CI and other editors.
 *   sockact lint [--format text|json] [--systemd-version N] PATH...
 *   sockact lsp --stdio
 *   sockact deploy | verify | undeploy | list-sockets … (deploy/commands.ts)
 * Every failure is one line on stderr; no stack trace reaches the user.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-types';
import { decodeUnitBytes } from './node/fileResolver';
import { resolveSystemdVersion } from './node/systemdVersion';
import { catalog } from './data/catalog.generated';
import { OLDEST_SUPPORTED_VERSION } from './service/versions';
import { WorkspaceIndex } from './node/workspaceIndex';
import { createLanguageService } from './service/languageService';
import { ActivateError, ActivateUsageError, runActivate } from './activate/run';
import { DeployUsageError, runDeployCommand, writeResultFile } from './deploy/commands';
import { activationUnsupported } from './node/platform';
import { NativeUnavailable } from './activate/libc';

const USAGE = `usage: sockact lint [--format text|json] [--systemd-version N] PATH...
       sockact activate [--systemd-version N] [--now] [--watch[=PATH]]... [--build PROGRAM [--build-arg ARG]...] UNIT.socket [-- COMMAND ARGS...]
       sockact deploy   [--user | --system | --host HOST ...] [--ssh-config FILE] [--sudo] [--yes] [--force] [--no-verify] UNIT.socket
       sockact verify   [--user | --system | --host HOST] [--ssh-config FILE] [--sudo] [--format text|json] UNIT.socket
       sockact undeploy [--user | --system | --host HOST ...] [--ssh-config FILE] [--sudo] [--yes] UNIT.socket
       sockact list-sockets [--user | --system | --host HOST ...] [--ssh-config FILE] [--sudo] [--format text|json]
       sockact lsp --stdio`;

const SEVERITY_NAMES = ['', 'error', 'warning', 'information', 'hint'] as const;

class UsageError extends Error {}

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

/** Reads a unit file, or says in one line why it can't be linted. */
function readUnitText(path: string): { text: string } | { error: string } {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code})` };
  }
  if (stat.isDirectory()) return { error: 'is a directory; pass the unit files inside it (e.g. DIR/*.socket)' };
  if (!stat.isFile()) return { error: 'not a regular file' };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { error: `cannot read (${(e as NodeJS.ErrnoException).code})` };
  }
  if (bytes.subarray(0, 8192).includes(0)) return { error: 'looks like a binary file, not a unit file' };
  return { text: decodeUnitBytes(bytes) };
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
function lint(args: string[]): number {
  const options = parseLintArgs(args);
  // No workspace: every unit, and the socket or service beside it, is read from the disk, once per run.
  const service = createLanguageService({ index: new WorkspaceIndex([], { snapshot: true }) });
  const systemdVersion = resolveSystemdVersion(options.systemdVersion ?? 'auto', service.catalog.newestVersion);
  const results: JsonDiagnostic[] = [];
  let unreadable = false;
  for (const file of options.paths) {
    const read = readUnitText(file);
    if ('error' in read) {
      process.stderr.write(`sockact: ${file}: ${read.error}\n`);
      unreadable = true;
      continue;
    }
    const document = TextDocument.create(pathToFileURL(resolve(file)).href, 'systemd-unit-file', 1, read.text);
    const diagnostics = service.doValidation(document, service.parse(document), { systemdVersion });
    results.push(...diagnostics.map((d) => toJson(file, d)));
  }
  if (options.format === 'json') process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else for (const d of results) process.stdout.write(formatText(d) + '\n');
  if (unreadable) return 2;
  return results.some((d) => d.severity === 'error') ? 1 : 0;
}

function startLanguageServer(args: string[]): number | undefined {
  if (!args.includes('--stdio')) throw new UsageError('lsp needs --stdio');
  // server.ts starts listening on stdio when loaded.
  require('./server');
  return undefined;
}

/** Runs until stopped; every failure is one line on stderr (usage errors exit 2, others 1). */
function activate(args: string[]): void {
  runActivate(args).then(
    (status) => process.exit(status),
    (e) => {
      if (e instanceof ActivateUsageError) process.stderr.write(`sockact: ${e.message}\n${USAGE}\n`);
      else if (e instanceof ActivateError || e instanceof NativeUnavailable) process.stderr.write(`sockact: ${e.message}\n`);
      else process.stderr.write(`sockact: internal error: ${(e as Error).message ?? String(e)}\n`);
      process.exit(e instanceof ActivateUsageError ? 2 : e instanceof ActivateError || e instanceof NativeUnavailable ? 1 : 3);
    },
  );
}

/** deploy, verify, undeploy, list-sockets: one line per failure, exit 0 ok, 1 failed, 2 usage. */
function deployCommand(command: 'deploy' | 'verify' | 'undeploy' | 'list-sockets', args: string[]): void {
  runDeployCommand(command, args).then(
    (status) => {
      writeResultFile(status);
      process.exit(status);
    },
    (e) => {
      const line = e instanceof DeployUsageError ? e.message : `internal error: ${(e as Error).message ?? String(e)}`;
      process.stderr.write(`sockact: ${line}${e instanceof DeployUsageError ? `\n${USAGE}` : ''}\n`);
      const status = e instanceof DeployUsageError ? 2 : 3;
      writeResultFile(status, line);
      process.exit(status);
    },
  );
}

function main(argv: string[]): number | undefined {
  const [command, ...rest] = argv;
  switch (command) {
    case 'lint':
      return lint(rest);
    case 'lsp':
      return startLanguageServer(rest);
    case 'activate': {
      // Before the arguments are read: on macOS or Windows no argument could make it run.
      const unsupported = activationUnsupported(process.platform);
      if (unsupported) {
        process.stderr.write(`sockact activate: ${unsupported}\n`);
        return 2;
      }
      activate(rest);
      return undefined;
    }
    case 'deploy':
    case 'verify':
    case 'undeploy':
    case 'list-sockets':
      deployCommand(command, rest);
      return undefined;
    case '-h':
    case '--help':
    case undefined:
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

try {
  const status = main(process.argv.slice(2));
  if (status !== undefined) process.exitCode = status;
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`sockact: ${e.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`sockact: internal error: ${(e as Error).message ?? String(e)}\n`);
    process.exitCode = 3;
  }
}
