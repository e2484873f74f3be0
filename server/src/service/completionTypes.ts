/**
 * A short, human name for the kind of value a directive takes, derived from systemd's parser function
 * (the gperf column the catalog keeps), e.g. config_parse_sec → "time span". Shown as completion detail.
 */
import { directiveAt } from './catalog';
import type { DirectiveDef } from './catalogTypes';
import { shortValueType } from './valueTypes';


/** Enum word lists longer than this are cut short in the detail line. */
const MAX_ENUM_WORDS = 6;

/** The words an enum directive accepts, plus the boolean words where systemd takes them too. */
export function enumWords(def: DirectiveDef): string[] {
  const words = [...(def.enumValues ?? [])];
  if (def.enumMatch === 'exact-or-boolean') {
    for (const b of ['yes', 'no']) if (!words.includes(b)) words.push(b);
  }
  return words;
}

function listenType(name: string): string {
  if (name === 'ListenNetlink') return 'netlink family [group]';
  if (name === 'ListenStream' || name === 'ListenDatagram' || name === 'ListenSequentialPacket') return 'address';
  return 'path';
}

/** "boolean", "time span", "control-group|process|mixed|none", …; undefined when we have no good name. */
export function humanValueType(def: DirectiveDef, systemdVersion: number): string | undefined {
  const at = directiveAt(def, systemdVersion);
  const parser = at.parser;
  if (parser === 'config_parse_socket_listen') return listenType(def.name);
  if (def.section === 'Install' && parser === 'config_parse_strv') return 'unit names';
  const words = enumWords(at);
  if (words.length > 0) {
    const shown = words.length > MAX_ENUM_WORDS ? [...words.slice(0, MAX_ENUM_WORDS - 1), '…'] : words;
    return shown.join('|');
  }
  return shortValueType(parser);
}
