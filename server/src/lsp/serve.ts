/**
 * The language server's wiring, shared by the Node server (server.ts) and the web worker server
 * (browser/server.ts): the LSP connection handed to the pure language service. No logic lives here:
 * settings are read, documents parsed once per version, and every request handed to the service. What
 * differs between the two (where unit files come from, whether there is a local systemd) comes in as a
 * ServerPlatform. No Node imports: 'vscode-languageserver' resolves to its browser build in the web bundle.
 */
import {
  CompletionTriggerKind,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type ConnectionOptions,
  type Diagnostic,
  type FileEvent,
  type Position,
  type Range,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { OLDEST_SUPPORTED_VERSION, resolveTargetVersionWith, type VersionSource } from '../service/versions';
import { CODE_ACTION_KINDS } from '../service/codeActions';
import { createLanguageService, EffectiveConfigError, RenameError, SEMANTIC_TOKENS_LEGEND, type RenameCapabilities, type ServiceSettings } from '../service/languageService';
import { UNIT_FILE_RENAME_FILTERS } from '../service/rename';
import type { UnitFile } from '../service/parser';
import { InvalidParamsError, requirePosition, requireRange, requireUri } from '../service/requestParams';
import { updateSafely } from '../service/textSync';
import { sameUnitFolder, uriToPath } from '../service/unitContext';
import { WorkspaceUnitFiles, type NavigableIndex } from './unitFiles';
import { documentsAffectedBy } from '../service/fileEvents';

/** The index the server keeps current from the editor: open documents, file events, workspace folders. */
export interface ServerIndex extends NavigableIndex {
  /** `defer`: read the folders only when ensureWalked() (or a look-up) asks, after initialize is answered. */
  setFolders(folders: readonly string[], options?: { defer?: boolean }): void;
  /** Reads the folders given to setFolders({ defer: true }) now, if it has not yet. */
  ensureWalked?(): void;
  openDocument(uri: string, text: string): void;
  closeDocument(uri: string): void;
  /** Applies the editor's file events; returns the paths they touched (files, and the files of a folder). */
  applyFileEvents(changes: readonly FileEvent[]): ReadonlySet<string> | readonly string[];
  /** Unit names for completion (Service=, Requires= …). */
  unitNames(): string[];
}

/** What the server gets from where it runs. */
export interface ServerPlatform {
  /** Reported in sockact/status, so the client can say which server answers. */
  host: 'node' | 'web worker';
  index: ServerIndex;
  /** A path of the index to a file: URI. */
  toUri(path: string): string;
  /** The local systemd's version (node: `systemctl --version`); absent where there are no processes. */
  localSystemdVersion?: () => number | undefined;
  /** Resolves once the messages already queued have run (node: setImmediate; a worker: a macrotask). */
  yieldToQueue(): Promise<void>;
  /** What this server cannot do here, one short phrase each (shown in the language status). */
  limits?: readonly string[];
  /** Whether the client can run and deploy units (not on the web): the Run and Deploy lenses are offered only then. */
  runsUnits: boolean;
  /** Whether socket activation can run here (Linux): the "Run with Socket Activation" lens is offered only then. */
  activates: boolean;
}

/**
 * For createConnection() on both platforms: a request cancelled before it was dispatched (the cancel
 * arrived in the same read as the request) is answered RequestCancelled at once; vscode-jsonrpc's default
 * leaves it queued and runs it anyway.
 */
export const CONNECTION_OPTIONS: ConnectionOptions = {
  connectionStrategy: {
    cancelUndispatched: (message) =>
      'id' in message && message.id !== null
        ? { jsonrpc: '2.0', id: message.id as number | string, error: { code: LSPErrorCodes.RequestCancelled, message: 'the request was cancelled' } }
        : undefined,
  },
};

/** Wires every LSP handler of `connection` to the language service and starts listening. */
export function startServer(connection: Connection, platform: ServerPlatform): void {
  /**
   * Bumped on every update of a document. The parse cache is keyed by it, not by the version: a client may
   * send the same version twice, and the tree must still follow the text.
   */
  const generations = new WeakMap<TextDocument, number>();
  /** Documents whose edits had to be clamped, so the warning is written once per document. */
  const clampWarned = new Set<string>();
  const documents = new TextDocuments<TextDocument>({
    create: (uri, languageId, version, content) => TextDocument.create(uri, languageId, version, typeof content === 'string' ? content : ''),
    update: (document, changes, version) => {
      const before = generations.get(document) ?? 0;
      const result = updateSafely(document, changes, version);
      generations.set(result.document, before + 1);
      if ((result.clamped || result.dropped) && !clampWarned.has(document.uri)) {
        clampWarned.add(document.uri);
        connection.console.warn(
          `sockact: an edit of ${document.uri} reached outside the document or carried no text; it was clamped to the text (the editor and the server may disagree until the document is reopened)`,
        );
      }
      return result.document;
    },
  });
  // Workspace units and drop-ins: the platform's index (see ServerPlatform.index).
  const index = platform.index;
  const service = createLanguageService({ index });
  const parsed = new Map<string, { document: TextDocument; generation: number; unit: UnitFile }>();
  const published = new Map<string, Diagnostic[]>();
  const initialTarget = resolveTargetVersionWith('auto', service.catalog.newestVersion, platform.localSystemdVersion);
  let settings: ServiceSettings = { systemdVersion: initialTarget.version };
  let versionSource: VersionSource = initialTarget.source;
  /** Why the target differs from the one configured (out of the supported range), if it does. */
  let versionNote: string | undefined = initialTarget.note;
  let workspaceFolders: string[] = [];
  let canReadConfiguration = false;
  let canRefreshSemanticTokens = false;
  /** The client's "open completion again" command, when it names one (initializationOptions.suggestCommand). */
  let suggestCommand: string | undefined;
  let definitionLinks = false;
  let renameCapabilities: RenameCapabilities = { canRenameFiles: false, sendsWillRename: false };
  /** Unit files and drop-ins of the workspace for definition, references and rename (open documents win). */
  const unitFiles = new WorkspaceUnitFiles(index, { all: () => documents.all(), unitOf }, platform.toUri);

  /**
   * Navigation's index of names (references, definition, rename) is built in slices between messages once
   * the first diagnostics are out, so the first request finds it ready; a request before that completes it.
   */
  const NAVIGATION_WARM_DELAY_MS = 250;
  const NAVIGATION_WARM_SLICE_MS = 15;
  let warming = false;
  function warmNavigation(): void {
    if (warming) return;
    warming = true;
    const slice = () => {
      if (unitFiles.warm(service.catalog, NAVIGATION_WARM_SLICE_MS)) void platform.yieldToQueue().then(slice);
      else warming = false;
    };
    void platform.yieldToQueue().then(slice);
  }

  /** Parse once per change of the text; every feature reuses the tree. */
  function unitOf(document: TextDocument): UnitFile {
    const cached = parsed.get(document.uri);
    const generation = generations.get(document) ?? 0;
    if (cached && cached.document === document && cached.generation === generation) return cached.unit;
    const unit = service.parse(document);
    parsed.set(document.uri, { document, generation, unit });
    return unit;
  }

  function validate(document: TextDocument): void {
    cancelValidation(document.uri);
    const diagnostics = service.doValidation(document, unitOf(document), settings);
    published.set(document.uri, diagnostics);
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  }

  /**
   * Diagnostics wait until typing pauses: every keystroke re-checking a large unit kept the server busy long
   * after the typing stopped. A newer change restarts the wait, so only the text that stays is checked.
   */
  const VALIDATION_DELAY_MS = 75;
  const pendingValidations = new Map<string, ReturnType<typeof setTimeout>>();

  function scheduleValidation(uri: string, delayMs = VALIDATION_DELAY_MS): void {
    cancelValidation(uri);
    pendingValidations.set(
      uri,
      setTimeout(() => {
        pendingValidations.delete(uri);
        const document = documents.get(uri);
        if (document) validate(document);
      }, delayMs),
    );
  }

  function cancelValidation(uri: string): void {
    const timer = pendingValidations.get(uri);
    if (timer) clearTimeout(timer);
    pendingValidations.delete(uri);
  }

  function scheduleAll(): void {
    for (const d of documents.all()) scheduleValidation(d.uri, 0);
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
      documents.all().filter((d) => edited.some((u) => u !== d.uri && sameUnitFolder(u, d.uri))).forEach((d) => scheduleValidation(d.uri, 0));
    }, 150);
  }

  async function loadSettings(): Promise<void> {
    if (!canReadConfiguration) return;
    const raw = ((await connection.workspace.getConfiguration('sockact')) ?? {}) as Record<string, unknown>;
    const configured = raw.systemdVersion ?? 'auto';
    const target = resolveTargetVersionWith(configured, service.catalog.newestVersion, platform.localSystemdVersion);
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
      host: platform.host,
      ...(platform.limits?.length ? { limits: platform.limits } : {}),
    });
  }

  connection.onInitialize((params) => {
    canReadConfiguration = params.capabilities.workspace?.configuration === true;
    canRefreshSemanticTokens = params.capabilities.workspace?.semanticTokens?.refreshSupport === true;
    // Only a client that names the command gets it in completion items: others would fail to run it.
    const named = (params.initializationOptions as { suggestCommand?: unknown } | undefined)?.suggestCommand;
    suggestCommand = typeof named === 'string' && named !== '' ? named : undefined;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceFolders = folders.map(uriToPath).filter((path): path is string => path !== undefined);
    // The walk of the folders waits until initialize is answered (onInitialized; the index walks them
    // first thing when asked before that): a large workspace costs the editor no wait for the server.
    index.setFolders(workspaceFolders, { defer: true });
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
    index.ensureWalked?.();
    rescanWorkspaceUnits();
    setTimeout(warmNavigation, NAVIGATION_WARM_DELAY_MS);
    await loadSettings();
    sendStatus();
    scheduleAll();
  });

  connection.onDidChangeConfiguration(async () => {
    await loadSettings();
    sendStatus();
    scheduleAll();
    // Colours depend on the target version (a key too new or deprecated there): ask the client to re-request them.
    if (canRefreshSemanticTokens) void connection.languages.semanticTokens.refresh();
  });

  // The VS Code client watches unit files and drop-ins itself (synchronize.fileEvents in client/src/extension.ts).
  connection.onDidChangeWatchedFiles((params) => {
    // Only well-formed events (a URI and one of the three kinds); a malformed list is ignored, not a TypeError.
    const raw: unknown[] = Array.isArray(params?.changes) ? params.changes : [];
    const changes = raw.filter(
      (c): c is FileEvent => typeof (c as FileEvent | null)?.uri === 'string' && [1, 2, 3].includes((c as FileEvent).type),
    );
    if (!changes.length) return;
    const touched = index.applyFileEvents(changes);
    rescanWorkspaceUnits();
    // A unit appearing, changing or vanishing next to a socket changes its verdicts (missing-service …):
    // the open units beside it or naming it are checked again, not every open document.
    const open = documents.all().map((document) => ({ uri: document.uri, document, unit: unitOf(document) }));
    for (const { document } of documentsAffectedBy(open, touched, service.catalog)) scheduleValidation(document.uri, 0);
    warmNavigation();
  });

  documents.onDidChangeContent((e) => {
    index.openDocument(e.document.uri, e.document.getText());
    scheduleValidation(e.document.uri);
    validatePartners(e.document.uri);
  });
  documents.onDidClose((e) => {
    index.closeDocument(e.document.uri);
    cancelValidation(e.document.uri);
    clampWarned.delete(e.document.uri);
    validatePartners(e.document.uri);
    parsed.delete(e.document.uri);
    published.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  /** Reads what a request must carry; a request that lacks it is answered InvalidParams with the reason. */
  function required<T>(read: () => T): T {
    try {
      return read();
    } catch (e) {
      if (e instanceof InvalidParamsError) throw new ResponseError(ErrorCodes.InvalidParams, e.message);
      throw e;
    }
  }

  /** Runs a feature on an open document, or answers `empty` for a document the server does not have. */
  function withDocument<T>(params: unknown, empty: T, feature: (document: TextDocument, unit: UnitFile) => T): T {
    const document = documents.get(required(() => requireUri(params)));
    return document ? feature(document, unitOf(document)) : empty;
  }

  /** The same for a feature at a position (clamped into the document; a missing one is InvalidParams). */
  function atPosition<T>(params: unknown, empty: T, feature: (document: TextDocument, unit: UnitFile, position: Position) => T): T {
    return withDocument(params, empty, (d, u) => feature(d, u, required(() => requirePosition(d, params))));
  }

  /** The same for a feature over a range (clamped into the document; a missing one is InvalidParams). */
  function withRange<T>(params: unknown, empty: T, feature: (document: TextDocument, unit: UnitFile, range: Range) => T): T {
    return withDocument(params, empty, (d, u) => feature(d, u, required(() => requireRange(d, params))));
  }

  /**
   * Long requests (code actions, references, rename over many files) first let the messages already queued
   * run, so a $/cancelRequest or a newer edit sent after them is seen, and answer RequestCancelled then.
   */
  async function cancellable<T>(token: CancellationToken, run: () => T): Promise<T> {
    await platform.yieldToQueue();
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'the request was cancelled');
    return run();
  }

  connection.onCompletion((p) =>
    atPosition(p, null, (d, u, position) =>
      service.doComplete(d, u, position, { ...settings, suggestCommand }, p.context?.triggerKind === CompletionTriggerKind.TriggerCharacter ? p.context.triggerCharacter : undefined),
    ),
  );
  connection.onHover((p) => atPosition(p, null, (d, u, position) => service.doHover(d, u, position, settings)));
  connection.onCodeAction((p, token) =>
    cancellable(token, () =>
      withRange(p, [], (d, u, range) => {
        // Fixes are built from the diagnostics of the text as it is: a check still waiting for typing to
        // pause runs now. All of the document's diagnostics, so "fix all of this kind" sees every occurrence.
        if (pendingValidations.has(d.uri)) validate(d);
        const diagnostics = published.get(d.uri) ?? (Array.isArray(p.context?.diagnostics) ? p.context.diagnostics : []);
        return service.doCodeActions(d, u, range, diagnostics, settings);
      }),
    ),
  );
  connection.onDocumentSymbol((p) => withDocument(p, [], (d, u) => service.findDocumentSymbols(d, u)));
  connection.onFoldingRanges((p) => withDocument(p, [], (d, u) => service.getFoldingRanges(d, u)));
  connection.onDocumentLinks((p) => withDocument(p, [], (d, u) => service.findDocumentLinks(d, u, settings)));
  // Run and Deploy lenses only where the client can run units (not the web), Run only where socket
  // activation can run (not macOS or Windows); the effective-configuration lens everywhere.
  connection.onCodeLens((p) =>
    withDocument(p, [], (d, u) => service.findCodeLenses(d, u, { activation: platform.runsUnits && platform.activates, deploy: platform.runsUnits })),
  );
  connection.onDefinition((p) =>
    atPosition(p, [], (d, u, position) => {
      const links = service.findDefinition(d, u, position, unitFiles);
      return definitionLinks ? links : links.map((l) => ({ uri: l.targetUri, range: l.targetSelectionRange }));
    }),
  );
  connection.onReferences((p, token) =>
    cancellable(token, () =>
      atPosition(p, [], (d, u, position) => service.findReferences(d, u, position, p.context?.includeDeclaration === true, unitFiles)),
    ),
  );
  connection.onPrepareRename((p) => atPosition(p, null, (d, u, position) => service.prepareRename(d, u, position, unitFiles)));
  connection.onRenameRequest((p, token) =>
    cancellable(token, () =>
      atPosition(p, null, (d, u, position) => {
        if (typeof p.newName !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'the rename request has no newName');
        try {
          return service.doRename(d, u, position, p.newName, unitFiles, renameCapabilities);
        } catch (e) {
          if (e instanceof RenameError) throw new ResponseError(LSPErrorCodes.RequestFailed, e.message);
          throw e;
        }
      }),
    ),
  );
  connection.workspace.onWillRenameFiles((p) => {
    if (!Array.isArray(p?.files)) throw new ResponseError(ErrorCodes.InvalidParams, 'the request has no files');
    return service.willRenameFiles(p.files, unitFiles, renameCapabilities);
  });
  connection.onDocumentFormatting((p) => withDocument(p, [], (d, u) => service.formatDocument(d, u)));
  connection.onDocumentRangeFormatting((p) => withRange(p, [], (d, u, range) => service.formatRange(d, u, range)));
  connection.onDocumentOnTypeFormatting((p) =>
    atPosition(p, [], (d, u, position) => (typeof p.ch === 'string' ? service.formatOnType(d, u, position, p.ch) : [])),
  );
  connection.languages.semanticTokens.on((p) => withDocument(p, { data: [] }, (d, u) => service.semanticTokens(d, u, settings)));
  connection.languages.semanticTokens.onRange((p) => withRange(p, { data: [] }, (d, u, range) => service.semanticTokens(d, u, settings, range)));
  /** Answered at once: the reference an editor round-trip is measured against (npm run bench). */
  // The dependency graph of the document's unit (the client's "Show Dependency Graph" panel).
  connection.onRequest('sockact/dependencyGraph', (p: { depth?: unknown }) => {
    const depth = p?.depth;
    if (depth !== undefined && (typeof depth !== 'number' || !Number.isInteger(depth) || depth < 1)) {
      throw new ResponseError(ErrorCodes.InvalidParams, 'depth must be a whole number from 1 (2 at most is used)');
    }
    return withDocument(p, null, (d, u) => service.dependencyGraph(d, u, unitFiles, depth) ?? null);
  });

  /**
   * The unit a document belongs to merged with its drop-ins (the "Show Effective Configuration" command):
   * the open document's text, else the file on disk. Params: { textDocument: { uri } }, as LSP requests carry it.
   */
  connection.onRequest('sockact/effectiveConfiguration', (p: unknown) => {
    const uri = required(() => requireUri(p));
    const open = documents.get(uri);
    const path = uriToPath(uri);
    const file = open || !path ? undefined : index.fileByPath(path);
    const document = open ?? (file ? TextDocument.create(uri, 'systemd-unit-file', 0, file.text) : undefined);
    if (!document) throw new ResponseError(ErrorCodes.InvalidParams, `${path ?? uri} is not open and cannot be read as a unit file`);
    try {
      return service.effectiveConfiguration(document, open ? unitOf(open) : file!.unit, settings);
    } catch (e) {
      if (e instanceof EffectiveConfigError) throw new ResponseError(LSPErrorCodes.RequestFailed, e.message);
      throw e;
    }
  });

  connection.onRequest('sockact/ping', () => null);

  documents.listen(connection);
  connection.listen();
}
