/**
 * Code lenses on the [Socket] header of a .socket unit (not on drop-ins, which only carry part of a unit,
 * nor on other unit types): "▶ Run with Socket Activation", "Deploy…" and "Verify Activation…". Each runs
 * a client command (`sockact.activate`, `sockact.deploy`, `sockact.verifyActivation`) with the document URI.
 * `activation: false` (the server runs where socket activation cannot: macOS, Windows) leaves out the Run lens.
 *
 * On the first line of any unit file that has drop-ins: "Effective configuration (N drop-ins)", which
 * opens the unit merged with them (`sockact.showEffectiveConfiguration`). Without drop-ins the file is
 * its own effective configuration, and a lens on every unit would only be noise.
 */
import { Range, type CodeLens } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { UnitFile } from './parser';
import { unitContextFromUri } from './unitContext';
import type { UnitIndex } from './workspaceIndex';

export const RUN_LENS_TITLE = '▶ Run with Socket Activation';
export const ACTIVATE_COMMAND = 'sockact.activate';
export const DEPLOY_LENS_TITLE = 'Deploy…';
export const DEPLOY_COMMAND = 'sockact.deploy';
export const VERIFY_LENS_TITLE = 'Verify Activation…';
export const VERIFY_COMMAND = 'sockact.verifyActivation';

export const EFFECTIVE_COMMAND = 'sockact.showEffectiveConfiguration';

export function effectiveLensTitle(dropIns: number): string {
  return `Effective configuration (${dropIns} drop-in${dropIns === 1 ? '' : 's'})`;
}

export interface CodeLensOptions {
  /** false: socket activation cannot run where the server runs. */
  activation?: boolean;
  /** false: the client cannot deploy (the web): no Deploy / Verify lenses either. */
  deploy?: boolean;
  /** The workspace's units and drop-ins; without it there is no telling whether drop-ins exist. */
  index?: UnitIndex;
}

export function findCodeLenses(document: TextDocument, unit: UnitFile, options: CodeLensOptions = {}): CodeLens[] {
  return [...effectiveLens(document, options.index), ...socketLenses(document, unit, options.activation !== false, options.deploy !== false)];
}

function effectiveLens(document: TextDocument, index: UnitIndex | undefined): CodeLens[] {
  const context = unitContextFromUri(document.uri);
  if (!index || context.isDropIn || !context.unitName || !context.unitDir) return [];
  const dropIns = index.dropIns(context.unitName, context.unitDir).length;
  if (!dropIns) return [];
  const range = Range.create(0, 0, 0, 0);
  return [{ range, command: { title: effectiveLensTitle(dropIns), command: EFFECTIVE_COMMAND, arguments: [document.uri] } }];
}

function socketLenses(document: TextDocument, unit: UnitFile, activation: boolean, deploy: boolean): CodeLens[] {
  const context = unitContextFromUri(document.uri);
  if (!deploy || context.isDropIn || context.unitType !== 'socket') return [];
  const header = unit.sections.find((s) => s.name === 'Socket');
  if (!header) return [];
  const range = Range.create(document.positionAt(header.headerSpan.start), document.positionAt(header.headerSpan.end));
  return [
    ...(activation ? [{ range, command: { title: RUN_LENS_TITLE, command: ACTIVATE_COMMAND, arguments: [document.uri] } }] : []),
    { range, command: { title: DEPLOY_LENS_TITLE, command: DEPLOY_COMMAND, arguments: [document.uri] } },
    { range, command: { title: VERIFY_LENS_TITLE, command: VERIFY_COMMAND, arguments: [document.uri] } },
  ];
}
