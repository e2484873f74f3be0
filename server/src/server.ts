/**
 * The language server: wires the LSP connection to the pure language service. No logic lives here.
 */
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createFileResolver } from './node/fileResolver';
import { resolveSystemdVersion } from './node/systemdVersion';
import { createLanguageService, type Severity, type DiagnosticCode } from './service/languageService';
import type { UnitFile } from './service/parser';

interface ServerSettings {
  systemdVersion: number;
  severities: Partial<Record<DiagnosticCode, Severity | 'off'>>;
}

const connection: Connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const service = createLanguageService({ resolver: createFileResolver() });
const parsed = new Map<string, { version: number; unit: UnitFile }>();
let settings: ServerSettings = { systemdVersion: resolveSystemdVersion('auto', service.catalog.newestVersion), severities: {} };
let canReadConfiguration = false;

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
  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
}

async function loadSettings(): Promise<void> {
  if (!canReadConfiguration) return;
  const raw = (await connection.workspace.getConfiguration('sockact')) as Record<string, unknown> | null;
  settings = {
    systemdVersion: resolveSystemdVersion(raw?.systemdVersion ?? 'auto', service.catalog.newestVersion),
    severities: (raw?.severity as ServerSettings['severities'] | undefined) ?? {},
  };
}

connection.onInitialize((params) => {
  canReadConfiguration = params.capabilities.workspace?.configuration === true;
  return {
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
    serverInfo: { name: 'sockact', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  await loadSettings();
  documents.all().forEach(validate);
});

connection.onDidChangeConfiguration(async () => {
  await loadSettings();
  documents.all().forEach(validate);
});

documents.onDidChangeContent((e) => validate(e.document));
documents.onDidClose((e) => {
  parsed.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

documents.listen(connection);
connection.listen();
