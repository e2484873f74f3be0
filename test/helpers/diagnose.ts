/**
 * Runs the language service on an in-memory unit. Sibling units are given by name so the
 * triggered-service check can be exercised without touching the disk.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-types';
import { createLanguageService } from '../../server/src/service/languageService';
import { dirOf, joinPath, MemoryUnitIndex } from '../../server/src/service/workspaceIndex';

export interface DiagnoseOptions {
  /** Path of the unit, e.g. "/proj/echo.socket" or "/proj/echo.socket.d/10-x.conf". */
  path?: string;
  /** Unit names that exist next to it (default: echo.service and echo@.service). */
  siblings?: string[];
  /** Texts of sibling units, by name (they exist too). */
  siblingTexts?: Record<string, string>;
  /** More files of the workspace index, by absolute path (drop-ins, units in other folders). */
  files?: Record<string, string>;
  systemdVersion?: number;
  /**
   * Unit names installed on the "machine" (/usr/lib/systemd/system, in memory): given, the index knows
   * the search path and the checks that need the installed units (missing-dependency) run.
   */
  installed?: string[];
}

/** The in-memory search path of a case with `installed` units. */
export const MEMORY_SEARCH_PATH = ['/etc/systemd/system', '/usr/lib/systemd/system'];

/** The workspace index a case sees: its siblings (empty when only named), their texts, the extra files and itself. */
function indexOf(path: string, text: string, options: DiagnoseOptions, siblings: Set<string>): MemoryUnitIndex {
  const index = new MemoryUnitIndex(undefined, options.installed ? MEMORY_SEARCH_PATH : undefined);
  for (const name of options.installed ?? []) index.set(joinPath('/usr/lib/systemd/system', name), '');
  const dir = dirOf(path);
  for (const name of siblings) index.set(joinPath(dir, name), options.siblingTexts?.[name] ?? '');
  for (const [p, t] of Object.entries(options.files ?? {})) index.set(p, t);
  index.set(path, text);
  return index;
}

export function diagnose(text: string, options: DiagnoseOptions = {}): Diagnostic[] {
  const path = options.path ?? '/proj/echo.socket';
  const texts = options.siblingTexts ?? {};
  const siblings = new Set([...(options.siblings ?? ['echo.service', 'echo@.service']), ...Object.keys(texts)]);
  const service = createLanguageService({
    resolver: { unitExists: (name) => siblings.has(name), readUnit: (name) => texts[name] },
    index: indexOf(path, text, options, siblings),
  });
  const document = TextDocument.create(`file://${path}`, 'systemd-unit-file', 1, text);
  return service.doValidation(document, service.parse(document), { systemdVersion: options.systemdVersion ?? 258 });
}

export function codesOf(text: string, options?: DiagnoseOptions): string[] {
  return diagnose(text, options).map((d) => String(d.code));
}
