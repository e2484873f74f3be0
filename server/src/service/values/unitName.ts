/**
 * Unit name rules of src/basic/unit-name.c: unit_name_is_valid() and unit_name_to_type().
 *
 * A name is shorter than 256 bytes, ends in ".<type>", and before that uses only [A-Za-z0-9:_.\\-] and
 * '@'; it must not start with '@'. "foo@.service" is a template, "foo@bar.service" an instance (later
 * '@' characters are ordinary), "foo.service" a plain name.
 */
import type { UnitType } from '../catalogTypes';

export const UNIT_NAME_MAX = 256;

/** unit_type_table (src/basic/unit-def.c). */
export const UNIT_TYPES: readonly UnitType[] = [
  'service', 'socket', 'target', 'device', 'mount', 'automount', 'swap', 'timer', 'path', 'slice', 'scope',
];

const VALID_CHARS = /^[A-Za-z0-9:\-_.\\@]*$/;

export interface UnitNameKinds {
  /** Accept "foo.service". Default true. */
  allowPlain?: boolean;
  /** Accept "foo@.service". */
  allowTemplate?: boolean;
  /** Accept "foo@bar.service". */
  allowInstance?: boolean;
}

/** The type suffix of a unit name, or undefined when the suffix is not a known unit type. */
export function unitTypeOf(name: string): UnitType | undefined {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const suffix = name.slice(dot + 1);
  return (UNIT_TYPES as readonly string[]).includes(suffix) ? (suffix as UnitType) : undefined;
}

export type UnitNameForm = 'plain' | 'template' | 'instance';

const encoder = new TextEncoder();

/** UTF-8 length, without encoding names short enough that they cannot reach the limit (3 bytes per unit at most). */
function nameBytesAtLeast(name: string, limit: number): boolean {
  return name.length * 3 >= limit && encoder.encode(name).length >= limit;
}

/** Classifies a syntactically valid unit name; undefined when the name is not valid at all. */
export function unitNameForm(name: string): UnitNameForm | undefined {
  if (name === '' || nameBytesAtLeast(name, UNIT_NAME_MAX)) return undefined;
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || unitTypeOf(name) === undefined) return undefined;
  const prefix = name.slice(0, dot);
  if (!VALID_CHARS.test(prefix)) return undefined;
  const at = prefix.indexOf('@');
  if (at === 0) return undefined;
  if (at < 0) return 'plain';
  return at === prefix.length - 1 ? 'template' : 'instance';
}

export function isValidUnitName(name: string, kinds: UnitNameKinds = {}): boolean {
  const form = unitNameForm(name);
  if (form === 'plain') return kinds.allowPlain ?? true;
  if (form === 'template') return kinds.allowTemplate ?? false;
  if (form === 'instance') return kinds.allowInstance ?? false;
  return false;
}

/**
 * unit_type_may_template() (src/shared/unit-file.h): only these types can be templates or instances;
 * loading e.g. "foo@bar.slice" or "foo@x.mount" fails with EINVAL.
 */
export function unitTypeMayTemplate(type: UnitType): boolean {
  return ['service', 'socket', 'target', 'timer', 'path'].includes(type);
}

/**
 * Why systemd cannot load a unit of this name (manager_load_unit() + unit_add_name()), or undefined.
 * `templateOk`: the name is resolved against the referring unit first (dependencies), so a template
 * gets an instance; otherwise a template cannot be loaded.
 */
export function unloadableUnitNameReason(name: string, templateOk: boolean): string | undefined {
  const form = unitNameForm(name);
  if (form === undefined) return describeInvalidUnitName(name);
  if (form === 'template' && !templateOk) return 'a template cannot be loaded without an instance name';
  const type = unitTypeOf(name);
  if (form !== 'plain' && type !== undefined && !unitTypeMayTemplate(type)) return `.${type} units cannot be templates or instances`;
  return undefined;
}

/** Explains why a name is not a valid unit name (for messages). */
export function describeInvalidUnitName(name: string): string {
  if (name === '') return 'the name is empty';
  if (nameBytesAtLeast(name, UNIT_NAME_MAX)) return `the name is ${UNIT_NAME_MAX} bytes or longer`;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'the name has no ".type" suffix';
  if (unitTypeOf(name) === undefined) return `".${name.slice(dot + 1)}" is not a unit type (expected one of ${UNIT_TYPES.join(', ')})`;
  if (name.startsWith('@')) return 'the name starts with "@"';
  return 'only letters, digits, ":", "-", "_", ".", "\\" and "@" are allowed';
}
