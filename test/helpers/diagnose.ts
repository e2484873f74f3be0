/**
 * Runs the language service on an in-memory unit. Sibling units are given by name so the
 * triggered-service check can be exercised without touching the disk.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-types';
import { createLanguageService } from '../../server/src/service/languageService';

export interface DiagnoseOptions {
  /** Path of the unit, e.g. "/proj/echo.socket" or "/proj/echo.socket.d/10-x.conf". */
  path?: string;
  /** Unit names that exist next to it (default: echo.service and echo@.service). */
  siblings?: string[];
  /** Texts of sibling units, by name (they exist too). */
  siblingTexts?: Record<string, string>;
  systemdVersion?: number;
}

export function diagnose(text: string, options: DiagnoseOptions = {}): Diagnostic[] {
  const path = options.path ?? '/proj/echo.socket';
  const texts = options.siblingTexts ?? {};
  const siblings = new Set([...(options.siblings ?? ['echo.service', 'echo@.service']), ...Object.keys(texts)]);
  const service = createLanguageService({
    resolver: { unitExists: (name) => siblings.has(name), readUnit: (name) => texts[name] },
  });
  const document = TextDocument.create(`file://${path}`, 'systemd-unit-file', 1, text);
  return service.doValidation(document, service.parse(document), { systemdVersion: options.systemdVersion ?? 258 });
}

export function codesOf(text: string, options?: DiagnoseOptions): string[] {
  return diagnose(text, options).map((d) => String(d.code));
}
