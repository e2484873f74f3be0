/**
 * Validators for path- and string-valued settings that go through unit_path_printf() /
 * unit_full_printf() and path_simplify_and_warn() (src/core/load-fragment.c, src/shared/parse-helpers.c).
 */
import type { ValueContext, ValueProblem, Validator } from './types';
import { checkPath, type PathCheckOptions } from './paths';
import { dialectOf } from './dialect';
import { advice, expand, expandWord, knownFirstChar, rejected, type Consequence } from './problems';
import { splitWords, WHITESPACE, type ExtractedWord } from './words';

const none: ValueProblem[] = [];

/**
 * Checks one path that still contains its specifiers. With known specifiers only the first character
 * can be judged (a value that starts with a literal character other than '/' can never become absolute).
 */
export function checkPathValue(
  text: string,
  ctx: ValueContext,
  opts: PathCheckOptions,
  consequence: Consequence = 'ignore',
  at?: { start: number; end: number },
): ValueProblem[] {
  const name = ctx.directive.name;
  const e = expand(text, 'full', 'path', ctx, consequence, at?.start ?? 0);
  if (e.kind === 'failed') return e.problems;
  if (e.kind === 'unresolved') {
    const first = knownFirstChar(text, 'full');
    if (opts.absolute && first !== undefined && first !== '/') return [rejected(`${name}= path is not absolute: ${text}`, consequence, at)];
    return none;
  }
  const r = checkPath(e.text, { dropLeadingDotDot: dialectOf(ctx).simplifyDropsLeadingDotDot, ...opts });
  return r.ok ? none : [rejected(`${name}= path ${r.reason}: ${text}`, consequence, at)];
}

/**
 * config_parse_unit_path_printf: one absolute, normalized path; empty resets. ltype "true" (e.g.
 * RootDirectory=) makes failures fatal for the unit.
 */
export function unitPathValidator(ltype: string): Validator {
  const consequence: Consequence = ltype === 'true' || ltype === '1' ? 'refuse' : 'ignore';
  return (value, ctx) => (value === '' ? none : checkPathValue(value, ctx, { absolute: true }, consequence));
}

/**
 * config_parse_unit_path_strv_printf (Symlinks=) and config_parse_unit_mounts_for (RequiresMountsFor=):
 * quoted words, each an absolute path. Symlinks= stops at the first bad word (earlier ones are kept);
 * RequiresMountsFor= skips just the bad word.
 */
export function pathListValidator(stopAtFirst: boolean): Validator {
  return (value, ctx) => {
    if (value === '') return none;
    const words = splitWords(value, WHITESPACE, { unquote: true });
    if (words === null) return [rejected(`Invalid quoting in ${ctx.directive.name}=${value}`)];
    const problems: ValueProblem[] = [];
    for (const w of words) {
      const p = checkPathWord(value, w, ctx);
      problems.push(...p);
      if (p.length > 0 && stopAtFirst) {
        return problems.map((q) => ({ ...q, message: q.message.replace('systemd ignores this line', 'systemd ignores this path and the rest of the line') }));
      }
    }
    return problems.map((q) => ({ ...q, message: q.message.replace('systemd ignores this line', 'systemd ignores this path') }));
  };
}

function checkPathWord(value: string, w: ExtractedWord, ctx: ValueContext): ValueProblem[] {
  const at = { start: w.start, end: w.end };
  const e = expandWord(value, w, 'full', 'path', ctx);
  if (e.kind === 'failed') return e.problems;
  if (e.kind === 'unresolved') return none;
  const r = checkPath(e.text, { absolute: true, dropLeadingDotDot: dialectOf(ctx).simplifyDropsLeadingDotDot });
  return r.ok ? none : [rejected(`${ctx.directive.name}= path ${r.reason}: ${e.text}`, 'ignore', at)];
}

/** config_parse_colon_separated_paths (ExecSearchPath=): ':'-separated absolute paths, empty parts fail. */
export const validateColonSeparatedPaths: Validator = (value, ctx) => {
  if (value === '') return none;
  const words = splitWords(value, ':', { dontCoalesce: true });
  if (words === null) return [rejected(`Invalid escaping in ${ctx.directive.name}=${value}`)];
  for (const w of words) {
    const p = checkPathWord(value, w, ctx);
    if (p.length > 0) return p.map((q) => ({ ...q, message: q.message.replace('systemd ignores this line', 'systemd ignores this path and the rest of the line') }));
  }
  return none;
};

/**
 * patch_var_run() (src/core/load-fragment.c): ListenStream=/… and PIDFile= paths below /var/run/ are
 * rewritten to /run/ with a notice; the line works. Only these settings get the rewrite (other path
 * settings keep /var/run/, which is a symlink to /run on current systems).
 */
export function legacyPathAdvice(name: string, from: string, to: string, ctx: ValueContext): ValueProblem {
  const logged = dialectOf(ctx).legacyPathLoggedEverywhere
    ? 'systemd rewrites it'
    : "systemd rewrites it (Debian's systemd before 256 logs that only for units under /etc/)";
  return advice(`${name}= uses a path below the legacy directory /var/run/; ${logged} to ${to}. Write ${to} instead.`, 'legacy-path');
}

/**
 * config_parse_pid_file: empty resets; a relative path is taken below /run/; the result must be a
 * normalized absolute path (and, since 257, not below /dev, /sys, /proc), else the parser returns an
 * error and systemd refuses the unit even though it logs "ignoring".
 */
export const validatePidFile: Validator = (value, ctx) => {
  if (value === '') return none;
  const name = ctx.directive.name;
  const e = expand(value, 'full', 'path', ctx, 'ignore');
  if (e.kind !== 'literal') return e.kind === 'failed' ? e.problems : none;
  const absolute = e.text.startsWith('/') ? e.text : `/run/${e.text}`;
  const r = checkPath(absolute, { absolute: true, nonApiVfs: dialectOf(ctx).pidFileRefusesApiVfs, dropLeadingDotDot: dialectOf(ctx).simplifyDropsLeadingDotDot });
  if (!r.ok) return [rejected(`${name}= path ${r.reason}: ${value}`, 'refuse')];
  if (r.simplified.startsWith('/var/run/')) return [legacyPathAdvice(name, r.simplified, `/run/${r.simplified.slice('/var/run/'.length)}`, ctx)];
  return none;
};

/** config_parse_unit_string_printf / unit_strv_printf / documentation: only specifier expansion can fail. */
export const validateFullPrintf: Validator = (value, ctx) => {
  const e = expand(value, 'full', 'full', ctx);
  return e.kind === 'failed' ? e.problems : none;
};

/** config_parse_unit_condition_path: optional "|" then "!", then an absolute path; empty resets. */
export const validateConditionPath: Validator = (value, ctx) => {
  if (value === '') return none;
  let start = value.startsWith('|') ? 1 : 0;
  if (value[start] === '!') start++;
  const path = value.slice(start);
  return checkPathValue(path, ctx, { absolute: true }, 'ignore', { start, end: value.length });
};

/** config_parse_unit_condition_string: "|" and "!" prefixes (whitespace allowed after them), then any text. */
export const validateConditionString: Validator = (value, ctx) => {
  if (value === '') return none;
  let start = 0;
  for (const prefix of ['|', '!']) {
    if (value[start] === prefix) {
      start++;
      while (start < value.length && WHITESPACE.includes(value[start])) start++;
    }
  }
  const e = expand(value.slice(start), 'full', 'full', ctx, 'ignore', start);
  return e.kind === 'failed' ? e.problems : none;
};
