/**
 * The reasons systemd refuses .mount, .automount and .swap units: their names are escaped paths
 * (src/core/mount.c mount_verify(), automount.c automount_verify(), swap.c swap_verify()).
 *   - Where= (mount, automount) or What= (swap) must escape to the unit's own name; without it, the
 *     path is derived from the name (mount_add_extras(), automount_load(), swap_load()).
 *   - mount: not an API file system (/proc, /sys, /dev, /run …), not below /run/credentials (v257+),
 *     and What= is required (except for the root mount, -.mount).
 *   - automount: not for "/", and ExtraOptions= may not hold the options systemd sets itself.
 */
import type { UnitAnalysis } from '../analysis';
import { dialectFor } from '../values/dialect';
import { expand } from '../values/problems';
import { pathSimplify, pathStartsWith } from '../values/paths';
import { pathOfUnitName, unitNameFromPath } from '../values/unitNameEscape';
import { lastSet, typeSectionSpan, wholeUnitCheckable } from './unitTypeShared';
import type { Check, Finding } from './types';
import type { Span } from '../parser';

/** mount_table of src/shared/mount-setup.c (the cgroup v1 points left in v256). */
const API_MOUNTS = [
  '/proc', '/sys', '/dev', '/sys/kernel/security', '/sys/fs/smackfs', '/dev/shm', '/dev/pts', '/run',
  '/sys/fs/cgroup', '/sys/fs/pstore', '/sys/firmware/efi/efivars', '/sys/fs/bpf',
];
/** mount_point_ignore(): API file systems other software mounts. */
const IGNORED_MOUNTS = ['/sys/fs/selinux', '/dev/console', '/proc/kmsg', '/proc/sys', '/proc/sys/kernel/random/boot_id'];

function isApiMount(where: string, version: number): boolean {
  const legacyCgroup = version < 256 ? ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified'] : [];
  if ([...API_MOUNTS, ...legacyCgroup, ...IGNORED_MOUNTS].includes(where)) return true;
  // Below /sys/fs/cgroup (not the folder itself) and anything at or below /run/host.
  const belowCgroup = pathStartsWith(where, '/sys/fs/cgroup');
  return (belowCgroup !== null && belowCgroup !== '') || pathStartsWith(where, '/run/host') !== null;
}

/** The path a unit of this type is about: the setting's literal value, or the one derived from the name. */
type PathSource = { kind: 'set'; path: string; span: Span } | { kind: 'derived'; path: string } | { kind: 'unknown' } | { kind: 'underivable'; span: Span };

function pathSource(analysis: UnitAnalysis, section: string, key: string, version: number): PathSource {
  const unitName = analysis.context.unitName!;
  const entry = lastSet(analysis, section, key);
  if (entry) {
    const e = expand(entry.entry.value, 'full', 'full', { directive: entry.def!, unitName, systemdVersion: version });
    // A specifier only the target can expand: don't guess.
    if (e.kind !== 'literal') return { kind: 'unknown' };
    return { kind: 'set', path: e.text, span: entry.entry.span };
  }
  const derived = pathOfUnitName(unitName);
  return derived === undefined ? { kind: 'underivable', span: typeSectionSpan(analysis, section) } : { kind: 'derived', path: derived };
}

function nameMismatch(analysis: UnitAnalysis, source: PathSource, key: string, suffix: string, version: number): { finding?: Finding; path?: string } {
  const unitName = analysis.context.unitName!;
  if (source.kind === 'unknown') return {};
  if (source.kind === 'underivable') {
    return { finding: { code: 'unit-name-path-mismatch', span: source.span, message: `"${unitName}" is not an escaped path and there is no ${key}= to give one: systemd refuses the unit. Name the unit after its path (systemd-escape --path --suffix=${suffix.slice(1)} PATH).` } };
  }
  if (source.kind === 'derived') return { path: source.path };
  const dropLeadingDotDot = dialectFor(version).simplifyDropsLeadingDotDot;
  const path = pathSimplify(source.path, dropLeadingDotDot);
  const expected = unitNameFromPath(path, suffix, dropLeadingDotDot);
  if (!expected.ok) {
    return { finding: { code: 'unit-name-path-mismatch', span: source.span, message: `${key}=${source.path}: systemd cannot derive a unit name from it (${expected.reason}), so it refuses the unit.` } };
  }
  if (expected.name !== unitName) {
    return {
      finding: {
        code: 'unit-name-path-mismatch',
        span: source.span,
        message: `${key}=${source.path} belongs to a unit named ${expected.name}, not ${unitName}: systemd refuses the unit. Rename the file or fix ${key}=.`,
        data: { expected: expected.name },
      },
    };
  }
  return { path };
}

function checkMountUnit(analysis: UnitAnalysis, version: number): Finding[] {
  const { finding, path } = nameMismatch(analysis, pathSource(analysis, 'Mount', 'Where', version), 'Where', '.mount', version);
  if (finding) return [finding];
  const at = typeSectionSpan(analysis, 'Mount');
  if (path !== undefined && isApiMount(path, version)) {
    return [{ code: 'mount-api-path', span: at, message: `${path} is an API file system systemd mounts (or leaves to others) itself: it refuses a mount unit for it.` }];
  }
  // mount_point_is_credentials(): the system manager's runtime folder is /run (a user manager's is elsewhere).
  if (path !== undefined && version >= 257 && analysis.context.scope === 'system') {
    const below = pathStartsWith(path, '/run');
    if (below !== null && below !== '' && pathStartsWith(below, 'credentials') !== null) {
      return [{ code: 'mount-api-path', span: at, message: `${path} is where systemd mounts service credentials: it refuses a mount unit for it.` }];
    }
  }
  // The root mount is perpetual: systemd knows it without What=.
  if (!lastSet(analysis, 'Mount', 'What') && analysis.context.unitName !== '-.mount') {
    return [{ code: 'mount-what-missing', span: at, message: 'A mount unit needs What= (the device, file system or directory to mount): systemd refuses it without one.' }];
  }
  return [];
}

/** Options the automounter sets itself (automount_verify()). */
const RESERVED_AUTOFS_OPTIONS = ['fd', 'pgrp', 'minproto', 'maxproto', 'direct', 'indirect'];

function checkAutomountUnit(analysis: UnitAnalysis, version: number): Finding[] {
  const source = pathSource(analysis, 'Automount', 'Where', version);
  const at = typeSectionSpan(analysis, 'Automount');
  const root = (source.kind === 'set' || source.kind === 'derived') && pathSimplify(source.path) === '/';
  if (root) return [{ code: 'automount-root', span: source.kind === 'set' ? source.span : at, message: 'An automount unit cannot be for the root directory: systemd refuses it.' }];
  const { finding } = nameMismatch(analysis, source, 'Where', '.automount', version);
  if (finding) return [finding];
  const extra = lastSet(analysis, 'Automount', 'ExtraOptions');
  if (extra) {
    const names = extra.entry.value.split(',').map((o) => o.split('=')[0]);
    const reserved = RESERVED_AUTOFS_OPTIONS.find((o) => names.includes(o));
    if (reserved) return [{ code: 'automount-reserved-option', span: extra.entry.span, message: `ExtraOptions= may not contain "${reserved}": systemd sets it for the autofs mount itself and refuses the unit.` }];
  }
  return [];
}

function checkSwapUnit(analysis: UnitAnalysis, version: number): Finding[] {
  const source = pathSource(analysis, 'Swap', 'What', version);
  if (source.kind === 'set') {
    // From v257 What= is any string, turned into a /dev/disk/by-* path for LABEL=, UUID= … (not followed here).
    if (/^(LABEL|UUID|PARTUUID|PARTLABEL)=/.test(source.path)) return [];
    if (!source.path.startsWith('/')) {
      return [{ code: 'unit-name-path-mismatch', span: source.span, message: `What=${source.path} is not an absolute path, so systemd cannot name the swap after it: it refuses the unit.` }];
    }
  }
  const { finding } = nameMismatch(analysis, source, 'What', '.swap', version);
  return finding ? [finding] : [];
}

export const checkMountLike: Check = (analysis, input) => {
  const version = input.settings.systemdVersion;
  if (!analysis.context.unitName) return [];
  if (wholeUnitCheckable(analysis, 'mount')) return checkMountUnit(analysis, version);
  if (wholeUnitCheckable(analysis, 'automount')) return checkAutomountUnit(analysis, version);
  if (wholeUnitCheckable(analysis, 'swap')) return checkSwapUnit(analysis, version);
  return [];
};
