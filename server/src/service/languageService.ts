/**
 * The language service: pure functions from a TextDocument (and its parsed tree) to LSP types.
 * No transport, no file system: whatever needs the outside world comes in through options.
 * Parse once (parse()), then hand the same tree to every feature.
 */
import type {
  CodeAction, CodeLens, CompletionList, Diagnostic, DocumentLink, DocumentSymbol, FoldingRange, Hover, Position, Range,
} from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultCatalog, type DirectiveCatalog } from './catalog';
import { doCodeActions } from './codeActions';
import { findCodeLenses } from './codeLens';
import { doComplete } from './completion';
import { computeDiagnostics } from './diagnostics';
import type { UnitResolver, ValidationSettings } from './diagnostics/types';
import type { FeatureContext } from './featureContext';
import { getFoldingRanges } from './folding';
import { doHover } from './hover';
import { findDocumentLinks } from './links';
import { parseUnit, type UnitFile } from './parser';
import { findDocumentSymbols } from './symbols';
import { unitContextFromUri, uriToPath, type UnitContext } from './unitContext';
import { doPairCodeActions } from './codeActionsPair';
import { resolverFromIndex, type UnitIndex } from './workspaceIndex';

export interface LanguageServiceOptions {
  catalog?: DirectiveCatalog;
  /** Tells whether a unit exists next to another (for the triggered-service check); default: read from `index`. */
  resolver?: UnitResolver;
  /** The workspace's units and drop-ins: a socket is checked with the service it starts, and back. */
  index?: UnitIndex;
}

/** Settings every feature may follow; all optional, with the defaults a fresh install has. */
export interface ServiceSettings extends Partial<ValidationSettings> {
  /** Overrides the system/user scope judged from the path. */
  scope?: 'system' | 'user';
  /** Unit names found in the workspace (completion of Service=, Requires=, WantedBy= …). */
  workspaceUnits?: readonly string[];
  /** Offer directives newer than the target version too. */
  includeNewer?: boolean;
}

export interface LanguageService {
  readonly catalog: DirectiveCatalog;
  parse(document: TextDocument): UnitFile;
  contextOf(document: TextDocument, settings?: ServiceSettings): UnitContext;
  doValidation(document: TextDocument, unit: UnitFile, settings?: ServiceSettings): Diagnostic[];
  doComplete(document: TextDocument, unit: UnitFile, position: Position, settings?: ServiceSettings): CompletionList;
  doHover(document: TextDocument, unit: UnitFile, position: Position, settings?: ServiceSettings): Hover | null;
  /** `diagnostics`: the document's current diagnostics (all of them, so "fix all" actions can see every one). */
  doCodeActions(document: TextDocument, unit: UnitFile, range: Range, diagnostics: Diagnostic[], settings?: ServiceSettings): CodeAction[];
  findDocumentSymbols(document: TextDocument, unit: UnitFile): DocumentSymbol[];
  getFoldingRanges(document: TextDocument, unit: UnitFile): FoldingRange[];
  findDocumentLinks(document: TextDocument, unit: UnitFile, settings?: ServiceSettings): DocumentLink[];
  /** "Run with Socket Activation" on a .socket unit's [Socket] header. */
  findCodeLenses(document: TextDocument, unit: UnitFile): CodeLens[];
}

export function createLanguageService(options: LanguageServiceOptions = {}): LanguageService {
  const catalog = options.catalog ?? defaultCatalog();
  const resolver = options.resolver ?? (options.index && resolverFromIndex(options.index));
  const contextOf = (document: TextDocument, settings: ServiceSettings = {}): UnitContext => {
    const context = unitContextFromUri(document.uri);
    return settings.scope ? { ...context, scope: settings.scope } : context;
  };
  const featureContext = (document: TextDocument, settings: ServiceSettings = {}): FeatureContext => ({
    catalog,
    context: contextOf(document, settings),
    systemdVersion: settings.systemdVersion ?? catalog.newestVersion,
    workspaceUnits: settings.workspaceUnits ?? [],
    includeNewer: settings.includeNewer,
    index: options.index,
  });
  return {
    catalog,
    parse: (document) => parseUnit(document.getText()),
    contextOf,
    doValidation(document, unit, settings = {}) {
      return computeDiagnostics(document, {
        unit,
        context: contextOf(document, settings),
        catalog,
        resolver,
        index: options.index,
        path: uriToPath(document.uri),
        settings: { systemdVersion: settings.systemdVersion ?? catalog.newestVersion, severities: settings.severities },
      });
    },
    doComplete: (document, unit, position, settings) => doComplete(document, unit, position, featureContext(document, settings)),
    doHover: (document, unit, position, settings) => doHover(document, unit, position, featureContext(document, settings)),
    doCodeActions(document, unit, range, diagnostics, settings) {
      const ctx = featureContext(document, settings);
      return [...doCodeActions(document, unit, range, diagnostics, ctx), ...doPairCodeActions(document, unit, range, diagnostics, ctx)];
    },
    findDocumentSymbols: (document, unit) => findDocumentSymbols(document, unit),
    getFoldingRanges: (document, unit) => getFoldingRanges(document, unit),
    findDocumentLinks: (document, unit, settings) => findDocumentLinks(document, unit, featureContext(document, settings)),
    findCodeLenses: (document, unit) => findCodeLenses(document, unit),
  };
}

export type { UnitResolver, ValidationSettings } from './diagnostics/types';
export type { UnitIndex } from './workspaceIndex';
export type { DiagnosticCode, Severity } from './diagnostics/codes';
export { DIAGNOSTIC_CODES } from './diagnostics/codes';
