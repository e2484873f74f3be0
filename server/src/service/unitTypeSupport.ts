/**
 * Settings whose parser first checks the unit type and ignores the line for other types, whatever the
 * value (src/core/load-fragment.c: config_parse_delegate(), config_parse_delegate_subgroup() test
 * unit_vtable[t]->can_delegate; config_parse_managed_oom_mode(), …_mem_pressure_limit(),
 * …_mem_pressure_duration_sec(), …_rules() test can_set_managed_oom). The same types in 252, 257 and 262.
 * Keyed by parser, so a setting that moves to one of these parsers is covered without a list of names.
 */
import type { UnitType } from './catalogTypes';

const DELEGATING: readonly UnitType[] = ['service', 'scope'];
const MANAGED_OOM: readonly UnitType[] = ['service', 'scope', 'slice'];

const TYPES_BY_PARSER: Readonly<Record<string, readonly UnitType[]>> = {
  config_parse_delegate: DELEGATING,
  config_parse_delegate_subgroup: DELEGATING,
  config_parse_managed_oom_mode: MANAGED_OOM,
  config_parse_managed_oom_mem_pressure_limit: MANAGED_OOM,
  config_parse_managed_oom_mem_pressure_duration_sec: MANAGED_OOM,
  config_parse_managed_oom_rules: MANAGED_OOM,
};

/** The unit types that may use a setting with this parser, or undefined when every type that has it may. */
export function unitTypesForParser(parser: string): readonly UnitType[] | undefined {
  return Object.prototype.hasOwnProperty.call(TYPES_BY_PARSER, parser) ? TYPES_BY_PARSER[parser] : undefined;
}
