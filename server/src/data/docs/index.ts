/**
 * All hand-written directive documentation, by section. Each section's docs live in their own file and
 * are keyed by directive name (without "="); DIRECTIVE_DOCS merges them under "Section.Name".
 */
import type { DirectiveDoc } from './types';
import { SOCKET_DOCS } from './socket';
import { UNIT_DOCS } from './unit';
import { INSTALL_DOCS } from './install';
import { SERVICE_DOCS } from './service';

export type { DirectiveDoc } from './types';
export { SOCKET_DOCS, UNIT_DOCS, INSTALL_DOCS, SERVICE_DOCS };

/** The docs of each section, keyed by directive name. */
export const DOCS_BY_SECTION: Readonly<Record<string, Readonly<Record<string, DirectiveDoc>>>> = {
  Unit: UNIT_DOCS,
  Socket: SOCKET_DOCS,
  Service: SERVICE_DOCS,
  Install: INSTALL_DOCS,
};

/** Every hand-written doc, keyed "Section.Name" (e.g. "Socket.ListenStream"). */
export const DIRECTIVE_DOCS: Record<string /* 'Section.Name' */, DirectiveDoc> = Object.fromEntries(
  Object.entries(DOCS_BY_SECTION).flatMap(([section, docs]) =>
    Object.entries(docs).map(([name, doc]) => [`${section}.${name}`, doc] as const),
  ),
);

/** The hand-written doc of a directive in a section, if there is one. */
export function directiveDoc(section: string, name: string): DirectiveDoc | undefined {
  const docs = DOCS_BY_SECTION[section];
  return docs && Object.prototype.hasOwnProperty.call(docs, name) ? docs[name] : undefined;
}
