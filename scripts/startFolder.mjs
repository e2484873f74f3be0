/**
 * Which folder `npm start` opens: examples/ by default, or the one given (`npm start -- PATH`). npm runs
 * the script from the repository, so a relative PATH is taken from where npm was started (INIT_CWD).
 * Returns { folder } or { error } (one line), never throws.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

export function startFolder(args, env, examples) {
  const given = args.filter((a) => a !== '--');
  if (given.length === 0) return { folder: examples, isExamples: true };
  if (given.length > 1) return { error: `open one folder at a time (got ${given.length}: ${given.join(' ')})` };
  if (given[0].startsWith('-')) return { error: `unknown option ${given[0]} (usage: npm start [-- FOLDER])` };
  const folder = resolve(env.INIT_CWD ?? process.cwd(), given[0]);
  let stat;
  try {
    stat = statSync(folder);
  } catch {
    return { error: `${folder} does not exist` };
  }
  if (!stat.isDirectory()) return { error: `${folder} is not a folder (give the folder that holds your units)` };
  return { folder, isExamples: folder === examples };
}
