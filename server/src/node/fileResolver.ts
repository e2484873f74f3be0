/**
 * Unit file bytes as text. Looking units up (where systemd would find them) is the workspace index's job:
 * node/workspaceIndex.ts over node/unitSearchPath.ts, with the name rules of service/unitNames.ts.
 */

/** Unit file bytes to text, keeping a BOM (the parser strips it where systemd would) and marking invalid UTF-8. */
export function decodeUnitBytes(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}
