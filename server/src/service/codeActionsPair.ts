/**
 * Quick fixes for the checks that pair a socket with its service. Several touch more than the open
 * document, so they return WorkspaceEdits with `documentChanges`: CreateFile for a new unit followed by
 * the edit that fills it, and TextDocumentEdits for existing files (version null for files other than the
 * document, which the editor may or may not have open).
 *
 * Like the fixes in codeActions.ts, each re-checks its diagnostic against the current tree and is left out
 * when they no longer agree (a diagnostic older than the text).
 */
import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { createWithText, documentEdit, located, quickFix, spanOf, type PairFixEnv } from './codeActionsPairShared';
import { splitFdNameFix } from './codeActionsSplit';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { editTarget, insertBelow, removeEntry, replaceSpan, siblingUri } from './editText';
import type { FeatureContext } from './featureContext';
import type { UnitFile } from './parser';
import { serviceTemplate } from './unitTemplates';

export function doPairCodeActions(
  document: TextDocument,
  unit: UnitFile,
  range: Range,
  diagnostics: Diagnostic[],
  ctx: FeatureContext,
): CodeAction[] {
  const env: PairFixEnv = { document, unit, ctx, target: editTarget(document.uri, unit, document) };
  const lo = document.offsetAt(range.start);
  const hi = document.offsetAt(range.end);
  const here = diagnostics.filter((d) => {
    if (d.source !== DIAGNOSTIC_SOURCE) return false;
    const span = spanOf(env, d);
    return span.start <= hi && lo <= span.end;
  });
  const actions: CodeAction[] = [];
  let splitOffered = false;
  for (const d of here) {
    switch (String(d.code)) {
      case 'missing-service':
        actions.push(...createServiceFix(env, d, true));
        break;
      case 'accept-needs-template':
        actions.push(...switchAcceptFix(env, d), ...createServiceFix(env, d, false));
        break;
      case 'fdname-per-socket':
        // One action splits the whole unit, however many names are lost.
        if (!splitOffered) actions.push(...splitFdNameFix(env, diagnostics.filter((x) => x.source === DIAGNOSTIC_SOURCE && x.code === 'fdname-per-socket')));
        splitOffered = true;
        break;
      case 'connection-ignores-socket':
        actions.push(...addStdinSocketFix(env, d));
        break;
      case 'dynamic-user-in-user-unit':
        actions.push(...removeLineFix(env, d, 'DynamicUser', 'Remove DynamicUser='));
        break;
      default:
        break;
    }
  }
  return actions;
}

// ---------------------------------------------------------------------------------------------------
// The triggered service is missing: create it from a template that fits the socket's Accept= mode

function createServiceFix(env: PairFixEnv, d: Diagnostic, preferred: boolean): CodeAction[] {
  const data = d.data as { service?: unknown; accept?: unknown } | undefined;
  const service = data?.service;
  const { context } = env.ctx;
  if (typeof service !== 'string' || !context.unitName || !context.unitDir || context.isDropIn) return [];
  if (!service.endsWith('.service') || service.includes('/')) return [];
  // Already there (the diagnostic is older than the file): nothing to create.
  if (env.ctx.index?.unit(service, context.unitDir)) return [];
  const accept = d.code === 'accept-needs-template' || data?.accept === true;
  const lines = serviceTemplate({ service, socket: context.unitName, accept });
  const uri = siblingUri(env.document.uri, service);
  return [quickFix(`Create ${service}`, [d], { documentChanges: createWithText(uri, lines, env.target.eol) }, preferred)];
}

// ---------------------------------------------------------------------------------------------------
// Accept=yes with only the plain service: switch to Accept=no

function switchAcceptFix(env: PairFixEnv, d: Diagnostic): CodeAction[] {
  const found = located(env, spanOf(env, d));
  if (!found || found.section.name !== 'Socket' || found.entry.key !== 'Accept') return [];
  const edit = { documentChanges: [documentEdit(env, [replaceSpan(env.target, found.entry.valueSpan, 'no')])] };
  return [quickFix('Switch to Accept=no', [d], edit, true)];
}

// ---------------------------------------------------------------------------------------------------
// A per-connection template that does not read its connection from stdin

function addStdinSocketFix(env: PairFixEnv, d: Diagnostic): CodeAction[] {
  const found = located(env, spanOf(env, d));
  if (!found || found.section.name !== 'Service' || found.entry.key !== 'ExecStart') return [];
  const edit = { documentChanges: [documentEdit(env, [insertBelow(env.target, found.entry, ['StandardInput=socket'])])] };
  return [quickFix('Add StandardInput=socket (the connection becomes stdin and stdout)', [d], edit)];
}

function removeLineFix(env: PairFixEnv, d: Diagnostic, key: string, title: string): CodeAction[] {
  const found = located(env, spanOf(env, d));
  if (!found || found.entry.key !== key) return [];
  return [quickFix(title, [d], { documentChanges: [documentEdit(env, [removeEntry(env.target, found.entry)])] }, true)];
}
