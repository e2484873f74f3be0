/**
 * A relative file name on a command line runs against the working directory, and systemd starts every
 * command in "/" (the system manager) or the user's home (the user manager) unless WorkingDirectory= (or
 * RootDirectory=, which also moves it to the new root) says otherwise. `ExecStart=/usr/bin/python3 app.py`
 * works in a terminal inside the project and fails under systemd with "can't open file '/app.py'".
 *
 * Only what is clearly a file is reported: the script of a known interpreter (its first argument that is no
 * option, with a file-like name) as a warning, and an argument written as ./x or ../x to any program as
 * information. Options (`--config=x`), plain words, `%` specifiers and `$VARIABLES` are left alone.
 */
import type { UnitAnalysis } from '../analysis';
import { valueRangeToSpan } from '../parser';
import { viewApplied, viewValue, type UnitView, type ViewEntry } from '../unitView';
import { wordSpans } from '../values/words';
import { inCurrent, selfView } from './pairContext';
import type { Check, Finding } from './types';

/** Sections whose Exec*= lines systemd runs (socket's ExecStartPre= …, mount and swap helpers). */
const EXEC_SECTIONS = ['Service', 'Socket', 'Mount', 'Swap'];

const SHELL = /^(ba|da|z|k|)sh$/;

/** Interpreters whose first non-option argument is the script to run; with the options that end that search. */
const INTERPRETERS: ReadonlyArray<{ name: RegExp; noScript: readonly string[]; withValue: readonly string[] }> = [
  { name: /^python[0-9.]*$|^pypy[0-9.]*$/, noScript: ['-m', '-c', '-'], withValue: ['-W', '-X', '--check-hash-based-pycs'] },
  { name: /^node(js)?$|^bun$/, noScript: ['-e', '--eval', '-p', '--print', '-'], withValue: ['-r', '--require', '--import', '--loader', '--env-file', '--title'] },
  { name: /^deno$/, noScript: ['eval', 'repl'], withValue: [] },
  { name: SHELL, noScript: ['-c', '-s'], withValue: ['-o', '-O'] },
  { name: /^ruby$|^perl$|^php[0-9.]*$|^lua[0-9.]*$|^Rscript$|^tclsh[0-9.]*$/, noScript: ['-e', '-E', '-r'], withValue: ['-I', '-d'] },
  { name: /^java$/, noScript: [], withValue: ['-cp', '-classpath', '--class-path', '-p', '--module-path'] },
];

/** A word that names a file: a path with "/", or a name with a script or archive extension. */
const FILE_LIKE = /\/|\.(py|pyc|pyz|js|mjs|cjs|ts|mts|sh|bash|rb|pl|php|lua|r|tcl|jar)$/i;

/** Specifiers and variables expand on the target system (to absolute paths, often): not judged. */
function expands(word: string): boolean {
  return word.includes('%') || word.includes('$');
}

function isRelativeFile(word: string): boolean {
  return word !== '' && !word.startsWith('/') && !word.startsWith('~') && !expands(word) && FILE_LIKE.test(word);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

interface Hit {
  start: number;
  end: number;
  word: string;
  program: string;
  /** The script of an interpreter (a warning), rather than some ./file argument (information). */
  script: boolean;
}

/** The relative files of one command (words up to a lone ";"). */
function commandHits(words: Array<{ text: string; start: number; end: number }>): Hit[] {
  const hits: Hit[] = [];
  let i = 0;
  let exe = words[i]?.text.replace(/^[-@:+!]+/, '') ?? '';
  // "@" gives argv[0] as a word of its own after the executable.
  if (/^[-:+!]*@/.test(words[0]?.text ?? '')) i++;
  i++;
  // /usr/bin/env [VAR=x …] python3 app.py: the program is the first word that is no assignment or option.
  if (basename(exe) === 'env') {
    while (i < words.length && (words[i].text.includes('=') || words[i].text.startsWith('-'))) i++;
    exe = words[i]?.text ?? '';
    i++;
  }
  const program = basename(exe);
  const interpreter = INTERPRETERS.find((x) => x.name.test(program));
  let scriptSearch = interpreter !== undefined;
  for (; i < words.length; i++) {
    const w = words[i].text;
    // A quoted string of several words is code (sh -c "cd /srv && ./run"), not file names: stop reading.
    if (/^["']/.test(w)) break;
    if (interpreter && scriptSearch) {
      // -c, -e, -m …: what follows is code or a module name, not a script file.
      if (interpreter.noScript.includes(w) || (SHELL.test(program) && /^-[A-Za-z]*c[A-Za-z]*$/.test(w))) break;
      if (interpreter.withValue.includes(w)) {
        i++;
        continue;
      }
      if (w.startsWith('-')) continue; // another option (java's -jar too)
      scriptSearch = false;
      if (isRelativeFile(w)) {
        hits.push({ ...words[i], word: w, program, script: true });
        continue;
      }
    }
    if (/^\.\.?\//.test(w) && !expands(w)) hits.push({ ...words[i], word: w, program, script: false });
  }
  return hits;
}

/** Relative files of every command of an Exec*= value (commands separated by a lone ";"). */
export function relativeFiles(value: string): Hit[] {
  const all = wordSpans(value);
  const hits: Hit[] = [];
  let from = 0;
  for (let i = 0; i <= all.length; i++) {
    if (i === all.length || all[i].text === ';') {
      hits.push(...commandHits(all.slice(from, i)));
      from = i + 1;
    }
  }
  return hits;
}

function execLines(view: UnitView, section: string): ViewEntry[] {
  return viewApplied(view, section).filter((v) => v.e.def?.parser === 'config_parse_exec' && v.e.entry.value !== '');
}

export const checkRelativeExec: Check = (analysis: UnitAnalysis, input) => {
  if (analysis.context.isDropIn) return [];
  const view = selfView(analysis, input);
  if (!view) return [];
  const home = analysis.context.scope === 'user' ? 'your home directory (the user manager)' : '/ (the system manager)';
  const findings: Finding[] = [];
  for (const section of EXEC_SECTIONS) {
    // Set in a drop-in counts too: the unit as systemd loads it.
    if (viewValue(view, section, 'WorkingDirectory') || viewValue(view, section, 'RootDirectory')) continue;
    for (const v of execLines(view, section).filter(inCurrent)) {
      for (const hit of relativeFiles(v.e.entry.value)) {
        findings.push({
          code: 'relative-exec-argument',
          span: valueRangeToSpan(v.e.entry, hit.start, hit.end),
          severity: hit.script ? 'warning' : 'information',
          message:
            `${hit.word} is relative, and without WorkingDirectory= systemd starts ${hit.program} in ${home}, so it looks for the file there` +
            `${hit.script ? ' and fails' : ''}. Set WorkingDirectory= to the folder that holds it, or write the absolute path.`,
          data: { section },
        });
      }
    }
  }
  return findings;
};
