/**
 * Building blocks shared by the validators: problem constructors with consistent wording, and the
 * "run the value through unit_*printf() first" pattern most parsers share.
 */
import type { ValueContext, ValueProblem } from './types';
import { PRINTF_LIMITS, resolveSpecifiers, scanSpecifiers, unitNameSpecifierValue, unknownSpecifierProblems, type SpecifierFlavor } from './specifiers';
import { bytesToString, utf8ByteLength, type ExtractedWord } from './words';

/**
 * How systemd reacts when the parser fails: 'ignore' drops the line with a warning; 'refuse' means the
 * parser returns -ENOEXEC and the unit fails to load (load state "bad-setting").
 */
export type Consequence = 'ignore' | 'refuse';

export function consequenceText(consequence: Consequence): string {
  return consequence === 'refuse' ? 'systemd refuses to load the unit' : 'systemd ignores this line';
}

export function invalid(ctx: ValueContext, value: string, what: string, consequence: Consequence = 'ignore'): ValueProblem {
  return withConsequence({ message: `Failed to parse ${ctx.directive.name}=${value} as ${what}; ${consequenceText(consequence)}.` }, consequence);
}

/** A parser that fails the unit makes the problem an Error, not a dropped line. */
function withConsequence(problem: ValueProblem, consequence: Consequence): ValueProblem {
  if (consequence === 'refuse') problem.effect = 'refuse';
  return problem;
}

/** A problem with a free-form explanation; the sentence ends with what systemd does about it. */
export function rejected(explanation: string, consequence: Consequence = 'ignore', range?: { start: number; end: number }): ValueProblem {
  const p: ValueProblem = withConsequence({ message: `${explanation}; ${consequenceText(consequence)}.` }, consequence);
  if (range) {
    p.start = range.start;
    p.end = range.end;
  }
  return p;
}

export function advice(message: string, code: ValueProblem['code'] = 'invalid-value'): ValueProblem {
  return { code, message, effect: 'advice' };
}

export type PrintfLimit = keyof typeof PRINTF_LIMITS;

export type Expanded =
  /**
   * `text` is exactly what systemd sees after expansion: there were no specifiers ("%%" collapsed), or
   * only ones derived from the unit name (ctx.unitName).
   */
  | { kind: 'literal'; text: string }
  /** Specifiers only the target machine (or the instance name) can expand. */
  | { kind: 'unresolved' }
  /** Expansion fails: these problems describe why. */
  | { kind: 'failed'; problems: ValueProblem[] };

/**
 * Emulates unit_{name,full,path,fd}_printf() on `text`, which starts at `offset` in the whole value.
 * When a consequence is given, problems say what systemd does; unknown specifiers keep their code.
 */
export function expand(
  text: string,
  flavor: SpecifierFlavor,
  limit: PrintfLimit,
  ctx: ValueContext,
  consequence: Consequence = 'ignore',
  offset = 0,
): Expanded {
  const outcome = consequence === 'refuse' ? 'systemd refuses to load the unit' : 'systemd ignores this assignment';
  const unknown = unknownSpecifierProblems(text, flavor, ctx.directive.name, offset, outcome);
  if (unknown.length > 0) return { kind: 'failed', problems: unknown };
  const scan = scanSpecifiers(text, flavor);
  const max = PRINTF_LIMITS[limit];
  if (scan.minimumBytes > max) {
    return {
      kind: 'failed',
      problems: [rejected(`${ctx.directive.name}= value is ${scan.minimumBytes} bytes long, more than the ${max} bytes systemd allows here`, consequence, { start: offset, end: offset + text.length })],
    };
  }
  if (scan.known.length === 0) return { kind: 'literal', text: scan.literal };
  // Specifiers derived from the unit's own name can be expanded when the file name is known.
  const unitName = ctx.unitName;
  if (unitName === undefined) return { kind: 'unresolved' };
  const r = resolveSpecifiers(text, flavor, (letter) => unitNameSpecifierValue(letter, unitName));
  if (!r.complete) return { kind: 'unresolved' };
  if (utf8ByteLength(r.text) > max) {
    return {
      kind: 'failed',
      problems: [rejected(`${ctx.directive.name}= value expands to more than the ${max} bytes systemd allows here`, consequence, { start: offset, end: offset + text.length })],
    };
  }
  return { kind: 'literal', text: r.text };
}

/**
 * The same for one word of a list value. Offsets point at the word's source text; if decoding
 * (quotes, escapes) moved an unknown specifier so that it cannot be located there, the whole word is
 * marked.
 */
export function expandWord(value: string, word: ExtractedWord, flavor: SpecifierFlavor, limit: PrintfLimit, ctx: ValueContext, consequence: Consequence = 'ignore'): Expanded {
  const r = expand(bytesToString(word.bytes), flavor, limit, ctx, consequence);
  if (r.kind !== 'failed') return r;
  const unknownSpecifier = r.problems.some((p) => p.code === 'unknown-specifier');
  const located = unknownSpecifier ? expand(value.slice(word.start, word.end), flavor, limit, ctx, consequence, word.start) : undefined;
  if (located?.kind === 'failed' && located.problems.some((p) => p.code === 'unknown-specifier')) return located;
  return { kind: 'failed', problems: r.problems.map((p) => ({ ...p, start: word.start, end: word.end })) };
}

/** The first character systemd will see after expansion, when it does not depend on a specifier. */
export function knownFirstChar(value: string, flavor: SpecifierFlavor): string | undefined {
  const scan = scanSpecifiers(value, flavor);
  if (scan.known.length > 0 && scan.known[0].start === 0) return undefined;
  return scan.literal[0];
}
