/**
 * The language service: pure functions from a TextDocument (and its parsed tree) to LSP types.
 * No transport, no file system: whatever needs the outside world comes in through options.
 * Parse once (parse()), then hand the same tree to every feature.
 */
import type {
  CodeAction, CodeLens, CompletionList, Diagnostic, DocumentLink, DocumentSymbol, FoldingRange, Hover, Location, LocationLink,
  Position, Range, SemanticTokens, TextEdit, WorkspaceEdit,
} from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultCatalog, type DirectiveCatalog } from './catalog';
import { doCodeActions } from './codeActions';
import { findCodeLenses } from './codeLens';
import { doComplete } from './completion';
import { findDefinition } from './definition';
import { dependencyGraph, type DependencyGraph, type GraphFiles } from './dependencyGraph';
import { computeDiagnostics } from './diagnostics';
import type { UnitResolver, ValidationSettings } from './diagnostics/types';
import type { FeatureContext } from './featureContext';
import { getFoldingRanges } from './folding';
import { formatDocument, formatOnType, formatRange } from './formatting';
import { doHover } from './hover';
import { effectiveConfiguration, renderConfiguration, type EffectiveConfiguration, type RenderedConfiguration } from './effectiveConfig';
import { findDocumentLinks } from './links';
import { parseUnit, type UnitFile } from './parser';
import { findReferences } from './references';
import { doUnitRename, prepareUnitRename, willRenameUnitFiles, type RenameCapabilities } from './rename';
import { sandboxingActions } from './sandboxing';
import { semanticTokens } from './semanticTokens';
import { findDocumentSymbols } from './symbols';
import { unitContextFromUri, uriToPath, type UnitContext } from './unitContext';
import { doPairCodeActions } from './codeActionsPair';
import type { UnitFileSet } from './unitReferences';
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
  /**
   * A client command that opens the completion list again (VS Code: editor.action.triggerSuggest), run after
   * a directive name with its "=" is accepted so the values show at once, as when "=" is typed.
   */
  suggestCommand?: string;
}

export interface LanguageService {
  readonly catalog: DirectiveCatalog;
  parse(document: TextDocument): UnitFile;
  contextOf(document: TextDocument, settings?: ServiceSettings): UnitContext;
  doValidation(document: TextDocument, unit: UnitFile, settings?: ServiceSettings): Diagnostic[];
  /** `triggerCharacter`: the character whose typing asked for completion (LSP CompletionContext), if any. */
  doComplete(document: TextDocument, unit: UnitFile, position: Position, settings?: ServiceSettings, triggerCharacter?: string): CompletionList;
  doHover(document: TextDocument, unit: UnitFile, position: Position, settings?: ServiceSettings): Hover | null;
  /** `diagnostics`: the document's current diagnostics (all of them, so "fix all" actions can see every one). */
  doCodeActions(document: TextDocument, unit: UnitFile, range: Range, diagnostics: Diagnostic[], settings?: ServiceSettings): CodeAction[];
  findDocumentSymbols(document: TextDocument, unit: UnitFile): DocumentSymbol[];
  getFoldingRanges(document: TextDocument, unit: UnitFile): FoldingRange[];
  findDocumentLinks(document: TextDocument, unit: UnitFile, settings?: ServiceSettings): DocumentLink[];
  /** "Run with Socket Activation" on a .socket unit's [Socket] header; "Effective configuration" atop a unit with drop-ins. */
  findCodeLenses(document: TextDocument, unit: UnitFile, options?: { activation?: boolean; deploy?: boolean }): CodeLens[];
  /** The unit file a unit name in a value stands for (`files`: the workspace's unit files). */
  findDefinition(document: TextDocument, unit: UnitFile, position: Position, files: UnitFileSet): LocationLink[];
  /** Every place that names the unit under the cursor (or the file's own unit), implicit socket/timer/path pairs included. */
  findReferences(document: TextDocument, unit: UnitFile, position: Position, includeDeclaration: boolean, files: UnitFileSet): Location[];
  /** The part of a unit name in a value that a rename changes; null where nothing can be renamed. */
  prepareRename(document: TextDocument, unit: UnitFile, position: Position, files: UnitFileSet): { range: Range; placeholder: string } | null;
  /** Renames the unit named under the cursor (its file too); throws a RenameError saying why it cannot. */
  doRename(document: TextDocument, unit: UnitFile, position: Position, newName: string, files: UnitFileSet, capabilities: RenameCapabilities): WorkspaceEdit;
  /** workspace/willRenameFiles: rewrites the references to renamed unit files; null when nothing needs to change. */
  willRenameFiles(renames: readonly { oldUri: string; newUri: string }[], files: UnitFileSet, capabilities: RenameCapabilities): WorkspaceEdit | null;
  /**
   * The unit the document belongs to, merged with its drop-ins (effectiveConfig.ts), and that as a
   * read-only text with links; throws an EffectiveConfigError for a document that is not a unit.
   */
  effectiveConfiguration(document: TextDocument, unit: UnitFile, settings?: ServiceSettings): EffectiveConfiguration & RenderedConfiguration;
  /** Formatting edits that never change what systemd reads (formatting.ts has the rules). */
  formatDocument(document: TextDocument, unit: UnitFile): TextEdit[];
  formatRange(document: TextDocument, unit: UnitFile, range: Range): TextEdit[];
  /** After typing `ch` (only `=` does something): the blanks around that `=`. */
  formatOnType(document: TextDocument, unit: UnitFile, position: Position, ch: string): TextEdit[];
  /** Semantic tokens of the whole document, or of the lines `range` touches (legend: SEMANTIC_TOKENS_LEGEND). */
  semanticTokens(document: TextDocument, unit: UnitFile, settings?: ServiceSettings, range?: Range): SemanticTokens;
  /** What the document's unit starts and orders against, and who names it (depth 1 or 2); undefined for no unit. */
  dependencyGraph(document: TextDocument, unit: UnitFile, files: GraphFiles, depth?: number): DependencyGraph | undefined;
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
    suggestCommand: settings.suggestCommand,
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
    doComplete: (document, unit, position, settings, triggerCharacter) => doComplete(document, unit, position, featureContext(document, settings), triggerCharacter),
    doHover: (document, unit, position, settings) => doHover(document, unit, position, featureContext(document, settings)),
    doCodeActions(document, unit, range, diagnostics, settings) {
      // A tree parsed from another version of the text would put every edit in the wrong place.
      if (unit.text !== document.getText()) return [];
      const ctx = featureContext(document, settings);
      return [
        ...doCodeActions(document, unit, range, diagnostics, ctx),
        ...doPairCodeActions(document, unit, range, diagnostics, ctx),
        ...sandboxingActions(document, unit, range, ctx),
      ];
    },
    findDocumentSymbols: (document, unit) => findDocumentSymbols(document, unit),
    getFoldingRanges: (document, unit) => getFoldingRanges(document, unit),
    findDocumentLinks: (document, unit, settings) => findDocumentLinks(document, unit, featureContext(document, settings)),
    findCodeLenses: (document, unit, lensOptions) => findCodeLenses(document, unit, { ...lensOptions, index: options.index }),
    findDefinition: (document, unit, position, files) => findDefinition(document, unit, position, files, catalog),
    findReferences: (document, unit, position, includeDeclaration, files) =>
      findReferences(document, unit, position, includeDeclaration, files, catalog),
    prepareRename: (document, unit, position, files) => prepareUnitRename(document, unit, position, files, catalog),
    doRename: (document, unit, position, newName, files, capabilities) =>
      doUnitRename(document, unit, position, newName, files, catalog, capabilities),
    willRenameFiles: (renames, files, capabilities) => willRenameUnitFiles(renames, files, catalog, capabilities),
    effectiveConfiguration(document, unit, settings) {
      const config = effectiveConfiguration(document, unit, featureContext(document, settings));
      return { ...config, ...renderConfiguration(config) };
    },
    formatDocument: (document, unit) => formatDocument(document, unit),
    formatRange: (document, unit, range) => formatRange(document, unit, range),
    formatOnType: (document, unit, position, ch) => formatOnType(document, unit, position, ch),
    semanticTokens: (document, unit, settings = {}, range) =>
      semanticTokens(document, unit, { catalog, systemdVersion: settings.systemdVersion ?? catalog.newestVersion }, range),
    dependencyGraph: (document, unit, files, depth) => dependencyGraph(document, unit, files, catalog, depth),
  };
}

export type { UnitResolver, ValidationSettings } from './diagnostics/types';
export type { UnitIndex } from './workspaceIndex';
export type { UnitFileSet, UnitSource } from './unitReferences';
export { RenameError, type RenameCapabilities } from './rename';
export { EffectiveConfigError } from './effectiveConfig';
export type { DiagnosticCode, Severity } from './diagnostics/codes';
export { DIAGNOSTIC_CODES } from './diagnostics/codes';
export { SEMANTIC_TOKENS_LEGEND } from './semanticTokens';
export type { DependencyGraph, EdgeKind, GraphEdge, GraphFiles, GraphNode } from './dependencyGraph';
