/**
 * Code lenses on the [Socket] header of a .socket unit (not on drop-ins, which only carry part of a unit,
 * nor on other unit types): "▶ Run with Socket Activation", "Deploy…" and "Verify Activation…". Each runs
 * a client command (`sockact.activate`, `sockact.deploy`, `sockact.verifyActivation`) with the document URI.
 * `activation: false` (the server runs where socket activation cannot: macOS, Windows) leaves out the Run lens.
 */
import { Range, type CodeLens } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { UnitFile } from './parser';
import { unitContextFromUri } from './unitContext';

export const RUN_LENS_TITLE = '▶ Run with Socket Activation';
export const ACTIVATE_COMMAND = 'sockact.activate';
export const DEPLOY_LENS_TITLE = 'Deploy…';
export const DEPLOY_COMMAND = 'sockact.deploy';
export const VERIFY_LENS_TITLE = 'Verify Activation…';
export const VERIFY_COMMAND = 'sockact.verifyActivation';

export function findCodeLenses(document: TextDocument, unit: UnitFile, options: { activation?: boolean } = {}): CodeLens[] {
  const context = unitContextFromUri(document.uri);
  if (context.isDropIn || context.unitType !== 'socket') return [];
  const header = unit.sections.find((s) => s.name === 'Socket');
  if (!header) return [];
  const range = Range.create(document.positionAt(header.headerSpan.start), document.positionAt(header.headerSpan.end));
  return [
    ...(options.activation === false ? [] : [{ range, command: { title: RUN_LENS_TITLE, command: ACTIVATE_COMMAND, arguments: [document.uri] } }]),
    { range, command: { title: DEPLOY_LENS_TITLE, command: DEPLOY_COMMAND, arguments: [document.uri] } },
    { range, command: { title: VERIFY_LENS_TITLE, command: VERIFY_COMMAND, arguments: [document.uri] } },
  ];
}
