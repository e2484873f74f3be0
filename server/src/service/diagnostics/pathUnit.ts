/**
 * The reason systemd refuses a path unit (src/core/path.c path_verify()): no path to watch. PathExists=,
 * PathExistsGlob=, PathChanged=, PathModified= and DirectoryNotEmpty= each add one when their value is an
 * absolute path; an empty one clears all given before (config_parse_path_spec()).
 */
import { afterResets, appliedIn } from '../analysis';
import { typeSectionSpan, wholeUnitCheckable } from './unitTypeShared';
import type { Check } from './types';

export const checkPathUnit: Check = (analysis) => {
  if (!wholeUnitCheckable(analysis, 'path')) return [];
  const specs = afterResets(appliedIn(analysis, 'Path').filter((e) => e.def?.parser === 'config_parse_path_spec'));
  if (specs.length) return [];
  const written = analysis.entries.some((e) => e.section.name === 'Path' && e.def?.parser === 'config_parse_path_spec');
  const why = written ? 'every Path*=/DirectoryNotEmpty= line is invalid, ignored or cleared by an empty one' : 'it has no PathExists=, PathExistsGlob=, PathChanged=, PathModified= or DirectoryNotEmpty= line';
  return [{
    code: 'path-no-trigger',
    span: typeSectionSpan(analysis, 'Path'),
    message: `systemd refuses this path unit: ${why}, so it has nothing to watch.`,
  }];
};
