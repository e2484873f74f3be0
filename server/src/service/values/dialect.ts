/**
 * Parser behaviour that changed between systemd versions. We know two data points exactly — 252 (run
 * here, Debian 12) and 257.13 (the source these validators follow) — so for versions in between every
 * rule leans towards accepting: a missed warning is better than a false one.
 */
import type { ValueContext } from './types';

/** The newest systemd whose parsers these validators reproduce. */
export const NEWEST_KNOWN_VERSION = 257;

export interface Dialect {
  /** "vsock-stream:", "vsock-dgram:", "vsock-seqpacket:" prefixes (252 knows only "vsock:"). */
  vsockTypedPrefixes: boolean;
  /** CIDs "hypervisor", "local", "host" (252: numbers only). */
  vsockCidNames: boolean;
  /** Port 4294967295 (VMADDR_PORT_ANY) is refused (257; 252 accepts it). */
  vsockRefusesPortAny: boolean;
  /** ListenFIFO=/ListenMessageQueue=/ListenUSBFunction= refuse /dev, /proc, /sys (257; 252 does not). */
  listenPathsRefuseApiVfs: boolean;
  /** path_simplify() drops a leading "/.." (257); 252 keeps it, so the path is "not normalized". */
  simplifyDropsLeadingDotDot: boolean;
  /** ExecStart= paths ending in "/." or "/.." count as directories (257; 252 only checks a trailing "/"). */
  execDotComponentsAreDirectories: boolean;
  /** SocketProtocol=mptcp (new in 257). */
  socketProtocolMptcp: boolean;
  /** PIDFile= below /dev, /sys or /proc fails the unit (257 and 262 checked; 252 accepts it). */
  pidFileRefusesApiVfs: boolean;
  /** The "!!" Exec prefix is ignored with a notice (removed in 258, src/core/load-fragment.c). */
  execAmbientPrefixIgnored: boolean;
  /**
   * The /var/run/ rewrite is logged for every unit file. Debian's systemd before 256 logs it at debug
   * level for files outside /etc/ (patch "Downgrade a couple of warnings to debug"), so 252 here says nothing.
   */
  legacyPathLoggedEverywhere: boolean;
}

const dialects = new Map<number, Dialect>();

/** The rules of one version (built once per version: validators ask for it on every value). */
export function dialectFor(version: number | undefined): Dialect {
  const v = version ?? NEWEST_KNOWN_VERSION;
  let dialect = dialects.get(v);
  if (!dialect) dialects.set(v, (dialect = buildDialect(v)));
  return dialect;
}

function buildDialect(v: number): Dialect {
  return {
    vsockTypedPrefixes: v > 252,
    vsockCidNames: v > 252,
    vsockRefusesPortAny: v >= 257,
    listenPathsRefuseApiVfs: v >= 257,
    simplifyDropsLeadingDotDot: v > 252,
    execDotComponentsAreDirectories: v >= 257,
    socketProtocolMptcp: v >= 257,
    pidFileRefusesApiVfs: v >= 257,
    execAmbientPrefixIgnored: v >= 258,
    legacyPathLoggedEverywhere: v >= 256,
  };
}

/**
 * The context validators receive: the contract's ValueContext plus the targeted systemd version, which
 * validatorForParser() adds when its caller passes one.
 */
/** Kept for readability at call sites: every ValueContext carries the target version. */
export type VersionedContext = ValueContext;

export function dialectOf(ctx: ValueContext): Dialect {
  return dialectFor(ctx.systemdVersion);
}
