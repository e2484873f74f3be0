/**
 * A short, human name for the kind of value a directive takes, derived from systemd's parser function
 * (the gperf column the catalog keeps), e.g. config_parse_sec → "time span". Shown as completion detail.
 */
import { parserAt } from './analysis';
import type { DirectiveDef } from './catalogTypes';

const TYPE_OF_PARSER: Readonly<Record<string, string>> = {
  config_parse_bool: 'boolean',
  config_parse_job_mode_isolate: 'boolean',
  config_parse_tristate: 'boolean or empty',
  config_parse_sec: 'time span',
  config_parse_sec_fix_0: 'time span',
  config_parse_sec_def_infinity: 'time span or infinity',
  config_parse_service_timeout: 'time span',
  config_parse_service_timeout_abort: 'time span',
  config_parse_timeout_abort: 'time span',
  config_parse_job_timeout_sec: 'time span',
  config_parse_job_running_timeout_sec: 'time span',
  config_parse_managed_oom_mem_pressure_duration_sec: 'time span',
  config_parse_nsec: 'time span (ns)',
  config_parse_unsigned: 'unsigned integer',
  config_parse_uint8: 'unsigned integer',
  config_parse_uint16: 'unsigned integer',
  config_parse_uint32: 'unsigned integer',
  config_parse_uint64: 'unsigned integer',
  config_parse_int: 'integer',
  config_parse_int32: 'integer',
  config_parse_long: 'integer',
  config_parse_iec_size: 'size',
  config_parse_iec_uint64: 'size',
  config_parse_si_uint64: 'size',
  config_parse_iec_uint64_infinity: 'size or infinity',
  config_parse_memory_limit: 'size, percentage or infinity',
  config_parse_tasks_max: 'number, percentage or infinity',
  config_parse_cpu_quota: 'percentage',
  config_parse_cg_weight: 'weight',
  config_parse_cg_cpu_weight: 'weight',
  config_parse_mode: 'file mode (octal)',
  config_parse_signal: 'signal',
  config_parse_exec_nice: 'nice level',
  config_parse_exec_oom_score_adjust: 'integer',
  config_parse_rlimit: 'resource limit',
  config_parse_unit_cpu_set: 'CPU list',
  config_parse_socket_protocol: 'udplite|sctp|mptcp',
  config_parse_socket_bindtodevice: 'network interface',
  config_parse_fdname: 'name',
  config_parse_socket_service: 'service unit',
  config_parse_service_sockets: 'socket units',
  config_parse_unit_deps: 'unit names',
  config_parse_obsolete_unit_deps: 'unit names',
  config_parse_trigger_unit: 'unit name',
  config_parse_unit_slice: 'slice unit',
  config_parse_also: 'unit names',
  config_parse_alias: 'unit names',
  config_parse_default_instance: 'instance name',
  config_parse_unit_path_printf: 'path',
  config_parse_pid_file: 'path',
  config_parse_working_directory: 'path',
  config_parse_unit_env_file: 'path',
  config_parse_unit_path_strv_printf: 'paths',
  config_parse_unit_mounts_for: 'paths',
  config_parse_namespace_path_strv: 'paths',
  config_parse_colon_separated_paths: 'paths',
  config_parse_bind_paths: 'paths',
  config_parse_exec_directories: 'directory names',
  config_parse_unit_string_printf: 'string',
  config_parse_unit_strv_printf: 'strings',
  config_parse_string: 'string',
  config_parse_documentation: 'URLs',
  config_parse_exec: 'command line',
  config_parse_environ: 'environment assignments',
  config_parse_user_group_compat: 'user or group',
  config_parse_user_group_strv_compat: 'users or groups',
  config_parse_unit_condition_path: 'condition: path',
  config_parse_unit_condition_string: 'condition',
  config_parse_capability_set: 'capabilities',
  config_parse_syscall_filter: 'system calls',
  config_parse_address_families: 'address families',
  config_parse_in_addr_prefixes: 'IP address prefixes',
  config_parse_set_credential: 'ID:data',
  config_parse_load_credential: 'ID[:path]',
  config_parse_exit_status: 'exit status',
};

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
  const parser = parserAt(def, systemdVersion);
  if (parser === 'config_parse_socket_listen') return listenType(def.name);
  if (def.section === 'Install' && parser === 'config_parse_strv') return 'unit names';
  const words = enumWords(def);
  if (words.length > 0) {
    const shown = words.length > MAX_ENUM_WORDS ? [...words.slice(0, MAX_ENUM_WORDS - 1), '…'] : words;
    return shown.join('|');
  }
  return TYPE_OF_PARSER[parser];
}
