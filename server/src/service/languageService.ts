/**
 * The language service: pure functions from a TextDocument (and its parsed tree) to LSP types.
 * No transport, no file system: whatever needs the outside world comes in through options.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultCatalog, type DirectiveCatalog } from './catalog';
import { computeDiagnostics } from './diagnostics';
import type { UnitResolver, ValidationSettings } from './diagnostics/types';
import { parseUnit, type UnitFile } from './parser';
import { unitContextFromUri, type UnitContext } from './unitContext';

export interface LanguageServiceOptions {
  catalog?: DirectiveCatalog;
  /** Tells whether a unit exists next to another (for the triggered-service check). */
  resolver?: UnitResolver;
}

export interface LanguageService {
  readonly catalog: DirectiveCatalog;
  parse(document: TextDocument): UnitFile;
  contextOf(document: TextDocument): UnitContext;
  doValidation(document: TextDocument, unit: UnitFile, settings?: Partial<ValidationSettings>): Diagnostic[];
}

export function createLanguageService(options: LanguageServiceOptions = {}): LanguageService {
  const catalog = options.catalog ?? defaultCatalog();
  return {
    catalog,
    parse: (document) => parseUnit(document.getText()),
    contextOf: (document) => unitContextFromUri(document.uri),
    doValidation(document, unit, settings = {}) {
      return computeDiagnostics(document, {
        unit,
        context: unitContextFromUri(document.uri),
        catalog,
        resolver: options.resolver,
        settings: { systemdVersion: settings.systemdVersion ?? catalog.newestVersion, severities: settings.severities },
      });
    },
  };
}

export type { UnitResolver, ValidationSettings } from './diagnostics/types';
export type { DiagnosticCode, Severity } from './diagnostics/codes';
export { DIAGNOSTIC_CODES } from './diagnostics/codes';
