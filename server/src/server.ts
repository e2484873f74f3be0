/**
 * The language server: wires the LSP connection to the pure language service. No logic lives here:
 * settings are read, documents parsed once per version, and every request handed to the service.
 */
import {
  createConnection,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { resolveTargetVersion, type VersionSource } from './node/systemdVersion';
import { OLDEST_SUPPORTED_VERSION } from './service/versions';
import { sameUnitFolder, WorkspaceIndex } from './node/workspaceIndex';
import { WorkspaceUnitFiles } from './node/unitFiles';
import { CODE_ACTION_KINDS } from './service/codeActions';
import { createLanguageService, RenameError, SEMANTIC_TOKENS_LEGEND, type RenameCapabilities, type ServiceSettings } from './service/languageService';
import { UNIT_FILE_RENAME_FILTERS } from './service/rename';
import type { UnitFile } from './service/parser';

const connection: Connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
// Workspace units and drop-ins (open documents win over the disk); units outside it are read from the disk.
const index = new WorkspaceIndex();
const service = createLanguageService({ index });
const parsed = new Map<string, { version: number; unit: UnitFile }>();
const published = new Map<string, Diagnostic[]>();
const initialTarget = resolveTargetVersion('auto', service.catalog.newestVersion);
let settings: ServiceSettings = { systemdVersion: initialTarget.version };
let versionSource: VersionSource = initialTarget.source;
/** Why the target differs from the one configured (out of the supported range), if it does. */
let versionNote: string | undefined = initialTarget.note;
let workspaceFolders: string[] = [];
let canReadConfiguration = false;
let definitionLinks = false;
let renameCapabilities: RenameCapabilities = { canRenameFiles: false, sendsWillRename: false };
/** Unit files and drop-ins of the workspace for definition, references and rename (open documents win). */
const unitFiles = new WorkspaceUnitFiles(index, { all: () => documents.all(), unitOf });

/** Parse once per document version; every feature reuses the tree. */
function unitOf(document: TextDocument): UnitFile {
  const cached = parsed.get(document.uri);
  if (cached && cached.version === document.version) return cached.unit;
  const unit = service.parse(document);
  parsed.set(document.uri, { version: document.version, unit });
  return unit;
}

function validate(document: TextDocument): void {
  const diagnostics = service.doValidation(document, unitOf(document), settings);
  published.set(document.uri, diagnostics);
  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
}

function rescanWorkspaceUnits(): void {
  settings = { ...settings, workspaceUnits: index.unitNames() };
}

/** A unit's partners (its socket, its service) live in its folder: re-check the open ones after an edit. */
const editedUris = new Set<string>();
let partnerTimer: ReturnType<typeof setTimeout> | undefined;
function validatePartners(uri: string): void {
  editedUris.add(uri);
  clearTimeout(partnerTimer);
  partnerTimer = setTimeout(() => {
    const edited = [...editedUris];
    editedUris.clear();
    documents.all().filter((d) => edited.some((u) => u !== d.uri && sameUnitFolder(u, d.uri))).forEach(validate);
  }, 150);
}

async function loadSettings(): Promise<void> {
  if (!canReadConfiguration) return;
  const raw = ((await connection.workspace.getConfiguration('sockact')) ?? {}) as Record<string, unknown>;
  const configured = raw.systemdVersion ?? 'auto';
  const target = resolveTargetVersion(configured, service.catalog.newestVersion);
  versionSource = target.source;
  versionNote = target.note;
  const scope = raw.unitScope === 'system' || raw.unitScope === 'user' ? raw.unitScope : undefined;
  settings = {
    ...settings,
    systemdVersion: target.version,
    severities: (raw.severity as ServiceSettings['severities']) ?? {},
    scope,
    includeNewer: (raw.completion as { includeNewerDirectives?: boolean } | undefined)?.includeNewerDirectives === true,
  };
}

function sendStatus(): void {
  void connection.sendNotification('sockact/status', {
    systemdVersion: settings.systemdVersion,
    source: versionSource,
    newestVersion: service.catalog.newestVersion,
    oldestVersion: OLDEST_SUPPORTED_VERSION,
    ...(versionNote ? { note: versionNote } : {}),
  });
}

connection.onInitialize((params) => {
  canReadConfiguration = params.capabilities.workspace?.configuration === true;
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspaceFolders = folders.filter((uri) => uri.startsWith('file:')).map((uri) => fileURLToPath(uri));
  index.setFolders(workspaceFolders);
  rescanWorkspaceUnits();
  const client = params.capabilities;
  definitionLinks = client.textDocument?.definition?.linkSupport === true;
  renameCapabilities = {
    canRenameFiles: client.workspace?.workspaceEdit?.documentChanges === true && (client.workspace.workspaceEdit.resourceOperations ?? []).includes('rename'),
    sendsWillRename: client.workspace?.fileOperations?.willRename === true,
  };
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['=', '%', '[', ' '] },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [...CODE_ACTION_KINDS] },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      documentLinkProvider: { resolveProvider: false },
      codeLensProvider: { resolveProvider: false },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: client.textDocument?.rename?.prepareSupport ? { prepareProvider: true } : true,
      documentFormattingProvider: true,
      documentRangeFormattingProvider: true,
      documentOnTypeFormattingProvider: { firstTriggerCharacter: '=' },
      semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: true },
      // The client asks before it renames a unit file (or drop-in folder), so references can follow.
      workspace: { fileOperations: { willRename: { filters: [...UNIT_FILE_RENAME_FILTERS] } } },
    },
    serverInfo: { name: 'sockact', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  await loadSettings();
  sendStatus();
  documents.all().forEach(validate);
});

connection.onDidChangeConfiguration(async () => {
  await loadSettings();
  sendStatus();
  documents.all().forEach(validate);
});

// The VS Code client watches unit files and drop-ins itself (synchronize.fileEvents in client/src/extension.ts).
connection.onDidChangeWatchedFiles((params) => {
  index.applyFileEvents(params.changes);
  rescanWorkspaceUnits();
  // A unit appearing, changing or vanishing next to a socket changes its verdicts (missing-service …).
  documents.all().forEach(validate);
});

documents.onDidChangeContent((e) => {
  index.openDocument(e.document.uri, e.document.getText());
  validate(e.document);
  validatePartners(e.document.uri);
});
documents.onDidClose((e) => {
  index.closeDocument(e.document.uri);
  validatePartners(e.document.uri);
  parsed.delete(e.document.uri);
  published.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

/** Runs a feature on an open document, or answers `empty` for a document the server does not have. */
function withDocument<T>(uri: string, empty: T, feature: (document: TextDocument, unit: UnitFile) => T): T {
  const document = documents.get(uri);
  return document ? feature(document, unitOf(document)) : empty;
}

connection.onCompletion((p) =>
  withDocument(p.textDocument.uri, null, (d, u) => service.doComplete(d, u, p.position, settings)),
);
connection.onHover((p) => withDocument(p.textDocument.uri, null, (d, u) => service.doHover(d, u, p.position, settings)));
connection.onCodeAction((p) =>
  withDocument(p.textDocument.uri, [], (d, u) =>
    // All of the document's diagnostics, so "fix all of this kind" can see every occurrence.
    service.doCodeActions(d, u, p.range, published.get(d.uri) ?? p.context.diagnostics, settings),
  ),
);
connection.onDocumentSymbol((p) => withDocument(p.textDocument.uri, [], (d, u) => service.findDocumentSymbols(d, u)));
connection.onFoldingRanges((p) => withDocument(p.textDocument.uri, [], (d, u) => service.getFoldingRanges(d, u)));
connection.onDocumentLinks((p) => withDocument(p.textDocument.uri, [], (d, u) => service.findDocumentLinks(d, u, settings)));
connection.onCodeLens((p) => withDocument(p.textDocument.uri, [], (d, u) => service.findCodeLenses(d, u)));
connection.onDefinition((p) =>
  withDocument(p.textDocument.uri, [], (d, u) => {
    const links = service.findDefinition(d, u, p.position, unitFiles);
    return definitionLinks ? links : links.map((l) => ({ uri: l.targetUri, range: l.targetSelectionRange }));
  }),
);
connection.onReferences((p) =>
  withDocument(p.textDocument.uri, [], (d, u) => service.findReferences(d, u, p.position, p.context.includeDeclaration, unitFiles)),
);
connection.onPrepareRename((p) => withDocument(p.textDocument.uri, null, (d, u) => service.prepareRename(d, u, p.position, unitFiles)));
connection.onRenameRequest((p) =>
  withDocument(p.textDocument.uri, null, (d, u) => {
    try {
      return service.doRename(d, u, p.position, p.newName, unitFiles, renameCapabilities);
    } catch (e) {
      if (e instanceof RenameError) throw new ResponseError(LSPErrorCodes.RequestFailed, e.message);
      throw e;
    }
  }),
);
connection.workspace.onWillRenameFiles((p) => {
  return service.willRenameFiles(p.files, unitFiles, renameCapabilities);
});
connection.onDocumentFormatting((p) => withDocument(p.textDocument.uri, [], (d, u) => service.formatDocument(d, u)));
connection.onDocumentRangeFormatting((p) => withDocument(p.textDocument.uri, [], (d, u) => service.formatRange(d, u, p.range)));
connection.onDocumentOnTypeFormatting((p) => withDocument(p.textDocument.uri, [], (d, u) => service.formatOnType(d, u, p.position, p.ch)));
connection.languages.semanticTokens.on((p) => withDocument(p.textDocument.uri, { data: [] }, (d, u) => service.semanticTokens(d, u, settings)));
connection.languages.semanticTokens.onRange((p) =>
  withDocument(p.textDocument.uri, { data: [] }, (d, u) => service.semanticTokens(d, u, settings, p.range)),
);
/** Answered at once: the reference an editor round-trip is measured against (npm run bench). */
connection.onRequest('sockact/ping', () => null);

documents.listen(connection);
connection.listen();
