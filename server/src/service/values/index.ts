/**
 * Value validation keyed by systemd's parser function (the second column of
 * src/core/load-fragment-gperf.gperf.in). Each validator reproduces what that parser accepts, so a
 * reported problem means systemd really drops the assignment (or refuses the unit). Parsers missing
 * from the table are not checked at all: no report is better than a false one.
 */
import type { Validator } from './types';
import { validateDocumentation } from './documentation';
import {
  boolValidator, enumValidator, noProblems, validateCatalogEnum, validateCpuSchedPolicy, validateIecSize,
  validateIecSizeOrInfinity, validateInt, validateIoClass, validateLogFacility, validateLogLevel, validateLong,
  validateMode, validateNice, validateNsec, validateOomScoreAdjust, validateSec, validateSecDefInfinity,
  validateSecOrEmpty, validateSiSize, validateSignal, validateTristate, validateUint16, validateUint64, validateUint8,
  validateUnsigned,
} from './basic';
import {
  validateEnvironment, validateEnvironmentFile, validateExec, validateExecInput, validateExecOutput,
  validateUserGroup, validateUserGroupList, validateWorkingDirectory,
} from './execValues';
import {
  pathListValidator, unitPathValidator, validateColonSeparatedPaths, validateConditionPath,
  validateConditionString, validateFullPrintf, validatePidFile,
} from './pathValues';
import {
  validateBindToDevice, validateFdNameValue, validateIpTos, validateListen, validateSocketBind,
  validateSocketProtocol, validateSocketService, validateTimestamping, validateXattr,
} from './socketValues';
import { timerValidator, validateMountNode } from './timerValues';
import { obsoleteDepsValidator, validateServiceSockets, validateSlice, validateTriggerUnit, validateUnitDeps } from './unitValues';

export type { ValueContext, ValueProblem, Validator } from './types';
export { parseBoolean, signalIsValid } from './basic';
export { parseListenAddress, validateFdName, interfaceNameIsValid, type ListenParse } from './listen';
export { isValidUnitName, unitTypeOf, unitNameForm } from './unitName';
export { SPECIFIER_DESCRIPTIONS, SPECIFIER_TABLES, scanSpecifiers, unknownSpecifierProblems } from './specifiers';
export { parseSec, parseNsec } from './timespan';
export { parseSize } from './size';
export { NEWEST_KNOWN_VERSION, dialectFor } from './dialect';

type Factory = (ltype: string) => Validator;
const always = (v: Validator): Factory => () => v;

/** Which specifier-expanding parsers use which printf flavour is documented next to each validator. */
const VALIDATORS: Readonly<Record<string, Factory>> = {
  // conf-parser.c generics
  config_parse_bool: boolValidator,
  config_parse_job_mode_isolate: always(boolValidator('0')),
  config_parse_tristate: always(validateTristate),
  config_parse_unsigned: always(validateUnsigned),
  config_parse_uint32: always(validateUnsigned),
  config_parse_int: always(validateInt),
  config_parse_int32: always(validateInt),
  config_parse_long: always(validateLong),
  config_parse_uint64: always(validateUint64),
  config_parse_uint8: always(validateUint8),
  config_parse_uint16: always(validateUint16),
  config_parse_sec: always(validateSec),
  config_parse_timer: timerValidator,
  config_parse_path_spec: unitPathValidator,
  config_parse_mount_node: always(validateMountNode),
  config_parse_sec_fix_0: always(validateSec),
  config_parse_service_timeout: always(validateSec),
  config_parse_job_timeout_sec: always(validateSec),
  config_parse_job_running_timeout_sec: always(validateSec),
  config_parse_timeout_abort: always(validateSecOrEmpty),
  config_parse_service_timeout_abort: always(validateSecOrEmpty),
  config_parse_sec_def_infinity: always(validateSecDefInfinity),
  config_parse_nsec: always(validateNsec),
  config_parse_iec_size: always(validateIecSize),
  config_parse_iec_size_long: always(validateIecSize),
  config_parse_xattr: always(validateXattr),
  config_parse_iec_uint64: always(validateIecSize),
  config_parse_iec_uint64_infinity: always(validateIecSizeOrInfinity),
  config_parse_si_uint64: always(validateSiSize),
  config_parse_mode: always(validateMode),
  config_parse_signal: always(validateSignal),
  config_parse_log_level: always(validateLogLevel),
  config_parse_log_facility: always(validateLogFacility),
  config_parse_string: always(noProblems),

  // string-table enums: the catalog says which words and whether booleans/empty are accepted
  config_parse_kill_mode: always(enumValidator(['control-group', 'process', 'mixed', 'none'], true)),
  config_parse_collect_mode: always(validateCatalogEnum),
  config_parse_device_policy: always(validateCatalogEnum),
  config_parse_exec_keyring_mode: always(validateCatalogEnum),
  config_parse_protect_proc: always(validateCatalogEnum),
  config_parse_proc_subset: always(validateCatalogEnum),
  config_parse_private_tmp: always(validateCatalogEnum),
  config_parse_private_users: always(validateCatalogEnum),
  config_parse_private_pids: always(validateCatalogEnum),
  config_parse_protect_control_groups: always(validateCatalogEnum),
  config_parse_exec_utmp_mode: always(validateCatalogEnum),
  config_parse_job_mode: always(validateCatalogEnum),
  config_parse_notify_access: always(validateCatalogEnum),
  config_parse_protect_home: always(validateCatalogEnum),
  config_parse_protect_system: always(validateCatalogEnum),
  config_parse_exec_preserve_mode: always(validateCatalogEnum),
  config_parse_service_type: always(validateCatalogEnum),
  config_parse_service_exit_type: always(validateCatalogEnum),
  config_parse_service_restart: always(validateCatalogEnum),
  config_parse_service_restart_mode: always(validateCatalogEnum),
  config_parse_service_timeout_failure_mode: always(validateCatalogEnum),
  config_parse_oom_policy: always(validateCatalogEnum),
  config_parse_managed_oom_preference: always(validateCatalogEnum),
  config_parse_managed_oom_mode: always(validateCatalogEnum),
  config_parse_memory_pressure_watch: always(validateCatalogEnum),
  config_parse_numa_policy: always(validateCatalogEnum),
  config_parse_socket_defer_trigger: always(validateCatalogEnum), // v258: DeferTrigger= (no/yes/patient or a boolean)
  config_parse_exec_io_class: always(validateIoClass),
  config_parse_exec_cpu_sched_policy: always(validateCpuSchedPolicy),
  config_parse_exec_nice: always(validateNice),
  config_parse_exec_oom_score_adjust: always(validateOomScoreAdjust),

  // [Socket]
  config_parse_socket_listen: always(validateListen),
  config_parse_socket_bind: always(validateSocketBind),
  config_parse_socket_protocol: always(validateSocketProtocol),
  config_parse_socket_timestamping: always(validateTimestamping),
  config_parse_ip_tos: always(validateIpTos),
  config_parse_fdname: always(validateFdNameValue),
  config_parse_socket_service: always(validateSocketService),
  config_parse_socket_bindtodevice: always(validateBindToDevice),

  // unit names (unit_name_printf)
  config_parse_unit_deps: always(validateUnitDeps),
  config_parse_obsolete_unit_deps: (ltype) => obsoleteDepsValidator(ltype === 'UNIT_REQUISITE' ? 'Requisite' : 'Requires'),
  config_parse_service_sockets: always(validateServiceSockets),
  config_parse_trigger_unit: always(validateTriggerUnit),
  config_parse_unit_slice: always(validateSlice),

  // paths and strings (unit_path_printf / unit_full_printf)
  config_parse_unit_path_printf: unitPathValidator,
  config_parse_unit_path_strv_printf: always(pathListValidator(true)),
  config_parse_unit_mounts_for: always(pathListValidator(false)),
  config_parse_colon_separated_paths: always(validateColonSeparatedPaths),
  config_parse_unit_string_printf: always(validateFullPrintf),
  config_parse_unit_strv_printf: always(validateFullPrintf),
  config_parse_documentation: always(validateDocumentation),
  config_parse_exec_input_text: always(validateFullPrintf),
  config_parse_unit_condition_path: always(validateConditionPath),
  config_parse_unit_condition_string: always(validateConditionString),
  config_parse_pid_file: always(validatePidFile),

  // execution context
  config_parse_exec: always(validateExec),
  config_parse_environ: always(validateEnvironment),
  config_parse_unit_env_file: always(validateEnvironmentFile),
  config_parse_working_directory: always(validateWorkingDirectory),
  config_parse_user_group_compat: always(validateUserGroup),
  config_parse_user_group_strv_compat: always(validateUserGroupList),
  config_parse_exec_input: always(validateExecInput),
  config_parse_exec_output: always(validateExecOutput),
};

/**
 * The validator for a gperf parser name and its ltype column; undefined = we do not check it.
 * Validators follow ctx.systemdVersion (default: the newest we know) for the few rules that changed
 * between versions (see dialect.ts).
 */
export function validatorForParser(parser: string, ltype: string): Validator | undefined {
  let byLtype = built.get(parser);
  if (!byLtype) built.set(parser, (byLtype = new Map()));
  if (byLtype.has(ltype)) return byLtype.get(ltype);
  const factory = Object.prototype.hasOwnProperty.call(VALIDATORS, parser) ? VALIDATORS[parser] : undefined;
  const validate = factory?.(ltype);
  byLtype.set(ltype, validate);
  return validate;
}

/** Validators built per parser and ltype: the table is consulted for every value of every unit. */
const built = new Map<string, Map<string, Validator | undefined>>();

/** Parser names that have a validator (for tests and documentation). */
export const VALIDATED_PARSERS: readonly string[] = Object.keys(VALIDATORS);
