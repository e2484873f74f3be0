/**
 * Validators for settings that name other units (src/core/load-fragment.c): dependencies, Sockets=,
 * Unit= of timers/paths, Slice=. All expand specifiers with unit_name_printf(), which knows fewer
 * specifiers than the path/string flavour (no %t, %h, %I …).
 */
import type { ValueContext, ValueProblem, Validator } from './types';
import { advice, expandWord, rejected, expand } from './problems';
import { unitTypeOf, unloadableUnitNameReason } from './unitName';
import { splitWords, WHITESPACE, type ExtractedWord } from './words';

const none: ValueProblem[] = [];

function range(w: ExtractedWord): { start: number; end: number } {
  return { start: w.start, end: w.end };
}

/** Expands one word of a unit list; returns the unit name, null when unknowable, or problems. */
function unitNameOfWord(value: string, w: ExtractedWord, ctx: ValueContext): string | null | ValueProblem[] {
  const e = expandWord(value, w, 'name', 'name', ctx);
  if (e.kind === 'failed') return e.problems;
  return e.kind === 'unresolved' ? null : e.text;
}

/**
 * config_parse_unit_deps (Wants=, After=, …): whitespace-separated names, backslashes kept literally.
 * Templates are fine (systemd instantiates them with this unit's instance or prefix); each bad word is
 * skipped on its own.
 */
export const validateUnitDeps: Validator = (value, ctx) => {
  const words = splitWords(value, WHITESPACE, { retainEscape: true }) ?? [];
  const problems: ValueProblem[] = [];
  for (const w of words) {
    const name = unitNameOfWord(value, w, ctx);
    if (Array.isArray(name)) problems.push(...name);
    else if (name !== null) {
      const why = unloadableUnitNameReason(name, true);
      if (why) problems.push(rejected(`${ctx.directive.name}= lists "${name}", which is not a valid unit name (${why})`, 'ignore', range(w)));
    }
  }
  return problems.map((p) => ({ ...p, message: p.message.replace('systemd ignores this line', 'systemd ignores this dependency') }));
};

/** config_parse_obsolete_unit_deps (BindTo=, PropagateReloadTo=, …): works, with a warning. */
export function obsoleteDepsValidator(replacement: string): Validator {
  return (value, ctx) => [
    advice(`${ctx.directive.name}= is an obsolete spelling; use ${replacement}= instead.`),
    ...validateUnitDeps(value, ctx),
  ];
}

/**
 * config_parse_service_sockets (Sockets=): words without quote handling (a trailing backslash fails
 * the whole line), each must end in ".socket".
 */
export const validateServiceSockets: Validator = (value, ctx) => {
  const words = splitWords(value, WHITESPACE, {});
  if (words === null) return [rejected(`Trailing garbage in ${ctx.directive.name}=${value}`)];
  const problems: ValueProblem[] = [];
  for (const w of words) {
    const name = unitNameOfWord(value, w, ctx);
    if (Array.isArray(name)) problems.push(...name);
    else if (name === null) continue;
    else if (!name.endsWith('.socket')) problems.push(rejected(`${ctx.directive.name}= lists "${name}", which is not a .socket unit`, 'ignore', range(w)));
    else {
      const why = unloadableUnitNameReason(name, true);
      if (why) problems.push(rejected(`${ctx.directive.name}= lists "${name}", which is not a valid unit name (${why})`, 'ignore', range(w)));
    }
  }
  return problems.map((p) => ({ ...p, message: p.message.replace('systemd ignores this line', 'systemd ignores this entry') }));
};

/** config_parse_trigger_unit (Unit= of .timer/.path): one valid unit name, not the unit itself. */
export const validateTriggerUnit: Validator = (value, ctx) => {
  const e = expand(value, 'name', 'name', ctx);
  if (e.kind === 'failed') return e.problems;
  if (e.kind === 'unresolved') return none;
  const name = e.text;
  const why = unloadableUnitNameReason(name, true);
  if (why) return [rejected(`${ctx.directive.name}=${value} is not a valid unit name (${why})`)];
  if (ctx.unitName !== undefined && ctx.unitName === name) return [rejected(`A unit cannot trigger itself (${ctx.directive.name}=${value})`)];
  return none;
};

/** config_parse_unit_slice (Slice=): a loadable (plain or instance) .slice unit name. */
export const validateSlice: Validator = (value, ctx) => {
  const e = expand(value, 'name', 'name', ctx);
  if (e.kind === 'failed') return e.problems;
  if (e.kind === 'unresolved') return none;
  const name = e.text;
  const why = unloadableUnitNameReason(name, false);
  if (why) return [rejected(`${ctx.directive.name}=${value} is not a loadable unit name (${why})`)];
  if (unitTypeOf(name) !== 'slice') return [rejected(`${ctx.directive.name}=${value} must name a .slice unit`)];
  return none;
};
