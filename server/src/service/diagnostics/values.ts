/**
 * Values systemd cannot parse (the assignment is dropped), and the inline-comment trap: systemd has no
 * comments after a value, so "ListenStream=8080 # web" asks for the address "8080 # web".
 */
import { dropsAssignment, parserAt, type AnalyzedEntry } from '../analysis';
import { valueRangeToSpan } from '../parser';
import { validatorForParser } from '../values';
import type { ValueProblem } from '../values/types';
import type { Check, Finding } from './types';

const EXEC_LIKE_PARSERS = new Set(['config_parse_exec', 'config_parse_environ']);

/** Offset of a '#' or ';' that follows whitespace, outside quotes for command lines; -1 if none. */
export function inlineCommentStart(value: string, parser: string): number {
  const quoteAware = EXEC_LIKE_PARSERS.has(parser);
  let quote: string | undefined;
  for (let i = 1; i < value.length; i++) {
    const ch = value[i];
    if (quoteAware && (ch === '"' || ch === "'")) {
      if (quote === ch) quote = undefined;
      else if (!quote) quote = ch;
    }
    if (!quote && (ch === '#' || ch === ';') && /\s/.test(value[i - 1])) return i;
  }
  return -1;
}

function problemFinding(e: AnalyzedEntry, p: ValueProblem): Finding {
  const span = valueRangeToSpan(e.entry, p.start ?? 0, p.end ?? e.entry.value.length);
  // A parser failure that fails the whole unit is an Error whatever the code's usual strength.
  return { code: p.code ?? 'invalid-value', span, message: p.message, ...(p.effect === 'refuse' ? { severity: 'error' as const } : {}) };
}

function valueIsValid(e: AnalyzedEntry, value: string, systemdVersion: number): boolean {
  const def = e.def!;
  const validate = validatorForParser(parserAt(def, systemdVersion), def.ltype);
  return !validate || !validate(value, { directive: def, systemdVersion }).some(dropsAssignment);
}

function inlineCommentFinding(e: AnalyzedEntry, at: number, breaksValue: boolean): Finding {
  const { entry } = e;
  const span = valueRangeToSpan(entry, at, entry.value.length);
  const comment = entry.value.slice(at);
  const message = breaksValue
    ? `systemd has no inline comments: '${comment}' is part of the value, which makes it invalid, so systemd ignores this line. Move the comment to its own line.`
    : `systemd has no inline comments: '${comment}' is part of the ${entry.key}= value. Move it to its own line.`;
  return {
    code: 'inline-comment',
    span,
    message,
    severity: breaksValue ? 'warning' : 'information',
    data: { commentStart: span.start },
  };
}

export const checkValues: Check = (analysis, { settings }) => {
  const findings: Finding[] = [];
  for (const e of analysis.entries) {
    if (!e.def || (e.fate !== 'applied' && e.fate !== 'invalid-value')) continue;
    const at = inlineCommentStart(e.entry.value, e.def.parser);
    const breaksValue = at > 0 && e.fate === 'invalid-value' && valueIsValid(e, e.entry.value.slice(0, at).trimEnd(), settings.systemdVersion);
    if (at > 0) findings.push(inlineCommentFinding(e, at, breaksValue));
    // When the comment is the only thing wrong, one diagnostic says it all.
    if (breaksValue) continue;
    for (const p of e.problems) findings.push(problemFinding(e, p));
  }
  return findings;
};
