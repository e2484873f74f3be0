/**
 * Folding: each section (header to its last assignment), each value continued over several lines, and
 * each run of two or more comment lines. Lines are the editor's lines (document.positionAt), so they
 * agree with what the client shows even where systemd counts line breaks differently (NUL bytes).
 */
import { FoldingRange, FoldingRangeKind } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span, UnitFile } from './parser';

function linesOf(document: TextDocument, span: Span): [number, number] {
  const start = document.positionAt(span.start).line;
  // span.end is exclusive: the last character decides the last line.
  const end = document.positionAt(Math.max(span.start, span.end - 1)).line;
  return [start, end];
}

export function getFoldingRanges(document: TextDocument, unit: UnitFile): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const addSpan = (span: Span, kind?: string) => {
    const [start, end] = linesOf(document, span);
    if (end > start) ranges.push(FoldingRange.create(start, end, undefined, undefined, kind));
  };

  for (const section of unit.sections) {
    addSpan(section.span);
    for (const entry of section.entries) addSpan(entry.span);
  }
  for (const entry of unit.orphanEntries) addSpan(entry.span);

  let runStart = -1;
  let runEnd = -1;
  const flushRun = () => {
    if (runStart >= 0 && runEnd > runStart) ranges.push(FoldingRange.create(runStart, runEnd, undefined, undefined, FoldingRangeKind.Comment));
  };
  for (const comment of unit.comments) {
    const line = document.positionAt(comment.span.start).line;
    if (runStart >= 0 && line === runEnd + 1) {
      runEnd = line;
      continue;
    }
    flushRun();
    runStart = runEnd = line;
  }
  flushRun();

  return ranges.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}
