/**
 * What kind of value each systemd parser takes, in two lengths: a short label (completion detail, e.g.
 * "time span") and a sentence with the syntax (hover). Keyed by the parser function the catalog keeps.
 */

const SPAN = 'a time span, e.g. `30s`, `5min 20s`, `infinity` (a bare number means seconds)';
const UNIT_LIST = 'unit names, separated by spaces';
const PATH = 'an absolute path (specifiers are expanded)';
const PATHS = 'absolute paths, separated by spaces';
const CONDITION = 'a condition argument; `!` in front negates it, `|` makes it one of several alternatives';

interface ValueType {
  short?: string;
  long?: string;
}

const VALUE_TYPES: Readonly<Record<string, ValueType>> = {
  config_parse_bool: { short: 'boolean', long: 'boolean (`yes`/`no`, `true`/`false`, `on`/`off`, `1`/`0`)' },
  config_parse_job_mode_isolate: { short: 'boolean' },
  config_parse_tristate: { short: 'boolean or empty', long: 'boolean, or empty for the default' },
  config_parse_sec: { short: 'time span', long: SPAN },
  config_parse_sec_fix_0: { short: 'time span', long: `${SPAN}; \`0\` means no limit` },
  config_parse_sec_def_infinity: { short: 'time span or infinity', long: `${SPAN}; empty means \`infinity\`` },
  config_parse_service_timeout: { short: 'time span', long: SPAN },
  config_parse_service_timeout_abort: { short: 'time span', long: `${SPAN}, or empty` },
  config_parse_timeout_abort: { short: 'time span', long: `${SPAN}, or empty` },
  config_parse_job_timeout_sec: { short: 'time span', long: SPAN },
  config_parse_job_running_timeout_sec: { short: 'time span', long: SPAN },
  config_parse_managed_oom_mem_pressure_duration_sec: { short: 'time span' },
  config_parse_nsec: { short: 'time span (ns)', long: 'a time span, e.g. `50us`, `1ms` (a bare number means nanoseconds)' },
  config_parse_unsigned: { short: 'unsigned integer', long: 'an unsigned number' },
  config_parse_uint8: { short: 'unsigned integer', long: 'a number 0–255' },
  config_parse_uint16: { short: 'unsigned integer', long: 'a number 0–65535' },
  config_parse_uint32: { short: 'unsigned integer', long: 'an unsigned number' },
  config_parse_uint64: { short: 'unsigned integer', long: 'an unsigned 64-bit number' },
  config_parse_int: { short: 'integer', long: 'an integer' },
  config_parse_int32: { short: 'integer', long: 'an integer' },
  config_parse_long: { short: 'integer', long: 'an integer' },
  config_parse_iec_size: { short: 'size', long: 'a size in bytes, with an optional `K`, `M`, `G`, `T` suffix (base 1024)' },
  config_parse_iec_uint64: { short: 'size', long: 'a size in bytes, with an optional `K`, `M`, `G`, `T` suffix (base 1024)' },
  config_parse_si_uint64: { short: 'size', long: 'a number, with an optional `K`, `M`, `G` suffix (base 1000)' },
  config_parse_iec_uint64_infinity: { short: 'size or infinity', long: 'a size in bytes (`K`, `M`, `G`, `T` suffixes, base 1024) or `infinity`' },
  config_parse_memory_limit: { short: 'size, percentage or infinity', long: 'a size in bytes (`K`, `M`, `G`, `T` suffixes, base 1024), a percentage of RAM, or `infinity`' },
  config_parse_tasks_max: { short: 'number, percentage or infinity', long: 'a number, a percentage of the system limit, or `infinity`' },
  config_parse_cpu_quota: { short: 'percentage', long: 'a percentage of one CPU, e.g. `20%` or `200%`' },
  config_parse_cg_weight: { short: 'weight', long: 'a weight 1–10000' },
  config_parse_cg_cpu_weight: { short: 'weight', long: 'a weight 1–10000, or `idle`' },
  config_parse_mode: { short: 'file mode (octal)', long: 'an octal file mode, e.g. `0644`' },
  config_parse_signal: { short: 'signal', long: 'a signal name (`SIGTERM`, `TERM`) or number' },
  config_parse_exec_nice: { short: 'nice level', long: 'a nice level from -20 (most favoured) to 19' },
  config_parse_exec_oom_score_adjust: { short: 'integer', long: 'a number from -1000 (never kill) to 1000 (kill first)' },
  config_parse_rlimit: { short: 'resource limit', long: 'a limit, or `soft:hard`, or `infinity`' },
  config_parse_unit_cpu_set: { short: 'CPU list', long: 'CPU indexes or ranges, e.g. `0-3 8`' },
  config_parse_socket_protocol: { short: 'udplite|sctp|mptcp', long: '`udplite`, `sctp` or `mptcp`' },
  config_parse_socket_bindtodevice: { short: 'network interface', long: 'a network interface name' },
  config_parse_fdname: { short: 'name', long: 'a name of up to 255 printable ASCII characters, without `:`' },
  config_parse_socket_service: { short: 'service unit', long: 'a service unit name' },
  config_parse_service_sockets: { short: 'socket units', long: 'socket unit names, separated by spaces' },
  config_parse_unit_deps: { short: 'unit names', long: UNIT_LIST },
  config_parse_obsolete_unit_deps: { short: 'unit names', long: UNIT_LIST },
  config_parse_trigger_unit: { short: 'unit name', long: 'a unit name' },
  config_parse_unit_slice: { short: 'slice unit', long: 'a slice unit name, e.g. `system-web.slice`' },
  config_parse_also: { short: 'unit names', long: 'unit names, separated by spaces' },
  config_parse_alias: { short: 'unit names', long: 'unit names, separated by spaces' },
  config_parse_default_instance: { short: 'instance name', long: 'an instance name' },
  config_parse_unit_path_printf: { short: 'path', long: PATH },
  config_parse_pid_file: { short: 'path', long: 'an absolute path' },
  config_parse_working_directory: { short: 'path', long: 'an absolute path, `~` for the home directory (`-` in front: ignore if missing)' },
  config_parse_unit_env_file: { short: 'path', long: 'a path to an environment file (`-` in front: ignore if missing)' },
  config_parse_unit_path_strv_printf: { short: 'paths', long: PATHS },
  config_parse_unit_mounts_for: { short: 'paths', long: PATHS },
  config_parse_namespace_path_strv: { short: 'paths', long: 'absolute paths, separated by spaces (`-` in front: ignore if missing)' },
  config_parse_colon_separated_paths: { short: 'paths', long: 'absolute paths, separated by colons' },
  config_parse_bind_paths: { short: 'paths', long: '`source[:destination[:options]]` entries, separated by spaces' },
  config_parse_exec_directories: { short: 'directory names', long: 'relative directory names, separated by spaces (optionally `name:symlink`)' },
  config_parse_unit_string_printf: { short: 'string', long: 'text; specifiers such as `%i` are expanded' },
  config_parse_unit_strv_printf: { short: 'strings', long: 'words, separated by spaces; specifiers are expanded' },
  config_parse_string: { short: 'string', long: 'free text' },
  config_parse_documentation: { short: 'URLs', long: 'URIs (`https:`, `man:`, `file:`, `info:` …), separated by spaces' },
  config_parse_exec: { short: 'command line', long: 'a command line: an executable (absolute path or name) and its arguments, optionally with prefixes `-`, `@`, `:`, `+`, `!`' },
  config_parse_environ: { short: 'environment assignments', long: '`VAR=value` assignments, separated by spaces (quote values with spaces)' },
  config_parse_user_group_compat: { short: 'user or group', long: 'a user or group name, or a numeric ID' },
  config_parse_user_group_strv_compat: { short: 'users or groups', long: 'user or group names, separated by spaces' },
  config_parse_unit_condition_path: { short: 'condition: path', long: `${CONDITION} — here an absolute path` },
  config_parse_unit_condition_string: { short: 'condition', long: CONDITION },
  config_parse_capability_set: { short: 'capabilities', long: 'capability names (`CAP_NET_BIND_SERVICE` …); `~` in front inverts the list' },
  config_parse_syscall_filter: { short: 'system calls', long: 'system call names or `@groups`; `~` in front turns the list into a deny list' },
  config_parse_address_families: { short: 'address families', long: 'address families (`AF_UNIX`, `AF_INET` …) or `none`; `~` in front denies them' },
  config_parse_in_addr_prefixes: { short: 'IP address prefixes', long: 'IP addresses or prefixes (`10.0.0.0/8`), or `any`, `localhost`, `link-local`, `multicast`' },
  config_parse_set_credential: { short: 'ID:data', long: '`ID:data`' },
  config_parse_load_credential: { short: 'ID[:path]', long: '`ID[:path]`' },
  config_parse_exit_status: { short: 'exit status', long: 'exit status numbers or names, and signal names' },
  config_parse_cpu_shares: { long: 'a share count 2–262144' },
  config_parse_blockio_weight: { long: 'a weight 10–1000' },
  config_parse_log_level: { long: 'a log level (`emerg` … `debug`) or number 0–7' },
  config_parse_log_facility: { long: 'a syslog facility name, e.g. `daemon` or `local0`' },
  config_parse_strv: { long: 'words, separated by spaces' },
  config_parse_unset_environ: { long: 'variable names or `VAR=value` pairs, separated by spaces' },
  config_parse_pass_environ: { long: 'variable names, separated by spaces' },
  config_parse_exec_input: { long: '`null`, `tty`, `tty-force`, `tty-fail`, `data`, `file:PATH`, `socket` or `fd:NAME`' },
  config_parse_exec_output: { long: '`inherit`, `null`, `tty`, `journal`, `kmsg`, `journal+console`, `kmsg+console`, `file:PATH`, `append:PATH`, `truncate:PATH`, `socket` or `fd:NAME`' },
  config_parse_exec_io_class: { long: '`realtime`, `best-effort` or `idle` (or 0–3)' },
  config_parse_exec_io_priority: { long: 'a priority from 0 (highest) to 7 (lowest)' },
  config_parse_exec_cpu_sched_policy: { long: '`other`, `batch`, `idle`, `fifo` or `rr`' },
  config_parse_exec_cpu_sched_prio: { long: 'a number; 1–99 for `fifo`/`rr`' },
  config_parse_exec_cpu_affinity: { long: 'CPU indexes or ranges, e.g. `0-3 8`, or `numa`' },
  config_parse_temporary_filesystems: { long: '`path[:options]` entries, separated by spaces' },
  config_parse_import_credential: { long: 'a credential name or glob' },
  config_parse_emergency_action: { long: 'an action such as `none`, `reboot`, `poweroff`, `exit`' },
  config_parse_job_mode: { long: 'a job mode such as `replace` or `fail`' },
  config_parse_socket_listen: { long: 'a listen address' },
  config_parse_ip_tos: { long: '`low-delay`, `throughput`, `reliability`, `low-cost`, or a number 0–255' },
  config_parse_bus_name: { long: 'a D-Bus well-known name, e.g. `org.example.Web`' },
  config_parse_open_file: { long: '`path[:fd-name[:options]]`' },
  config_parse_device_allow: { long: 'a device node or group, then `r`, `w`, `m`' },
  config_parse_io_limit: { long: 'a device path and a rate, e.g. `/dev/sda 10M`' },
  config_parse_io_device_weight: { long: 'a device path and a weight, e.g. `/dev/sda 200`' },
  config_parse_personality: { long: 'an architecture personality such as `x86` or `x86-64`' },
  config_parse_warn_compat: { long: 'ignored by systemd' },
};

function valueTypeOf(parser: string): ValueType | undefined {
  return Object.prototype.hasOwnProperty.call(VALUE_TYPES, parser) ? VALUE_TYPES[parser] : undefined;
}

/** "boolean", "time span" …; undefined when we have no good name. */
export function shortValueType(parser: string): string | undefined {
  return valueTypeOf(parser)?.short;
}

/** A sentence on the value syntax, falling back to the short label; undefined when we have neither. */
export function describeParser(parser: string): string | undefined {
  const type = valueTypeOf(parser);
  return type?.long ?? type?.short;
}
