/**
 * config_parse_documentation (Documentation=): specifiers expanded, the value split into words like any
 * string list (config_parse_strv: quotes group words), and each word kept only if
 * documentation_url_is_valid() (src/shared/web-util.c, the same in 252 and 262) accepts it: http:// or
 * https:// with something after it, file:/…, man:… or info:…, all of it ASCII. A bad word is logged
 * ("Invalid URL, ignoring") and dropped; the other words of the line still count.
 */
import type { ValueProblem, Validator } from './types';
import { bytesToString, extractFirstWord, WHITESPACE } from './words';
import { expand, rejected } from './problems';

const PREFIXES = ['http://', 'https://', 'file:/', 'man:', 'info:'];

export function documentationUrlIsValid(url: string): boolean {
  const prefix = PREFIXES.find((p) => url.startsWith(p));
  if (!prefix) return false;
  const rest = url.slice(prefix.length);
  // eslint-disable-next-line no-control-regex
  return rest !== '' && /^[\x00-\x7f]*$/.test(rest);
}

function hintFor(url: string): string {
  if (/^www\./i.test(url)) return ` (write https://${url})`;
  if (/^[#;]/.test(url)) return ' (systemd has no comments after a value)';
  const prefix = PREFIXES.find((p) => url.startsWith(p));
  if (prefix && url.length === prefix.length) return ' (nothing follows the scheme)';
  if (prefix) return ' (only ASCII characters are accepted)';
  if (/^[a-z][\w.-]*\(\d\)$/.test(url)) return ` (write man:${url})`;
  return ': use http://, https://, file:/, man: or info:';
}

export const validateDocumentation: Validator = (value, ctx) => {
  if (value === '') return [];
  const whole = expand(value, 'full', 'full', ctx);
  if (whole.kind === 'failed') return whole.problems;
  const problems: ValueProblem[] = [];
  let pos: number | null = 0;
  for (;;) {
    const r = extractFirstWord(value, pos, WHITESPACE, { unquote: true, retainEscape: true });
    if (r.kind === 'error') return [rejected(`Unbalanced quotes in Documentation=${value}`)];
    if (r.kind !== 'word') return problems;
    const word = bytesToString(r.word.bytes);
    // A word with specifiers is judged after expansion, which needs the unit's name: leave it alone.
    if (!word.includes('%') && !documentationUrlIsValid(word)) {
      problems.push({
        message: `Documentation= drops ${word}, which is not a URL systemd accepts${hintFor(word)}; the other words of the line still count.`,
        start: r.word.start,
        end: r.word.end,
      });
    }
    pos = r.word.next;
  }
};
