import type { UnitAnalysis } from '../analysis';
import type { DirectiveCatalog } from '../catalog';
import type { UnitFile, Span } from '../parser';
import type { UnitContext } from '../unitContext';
import type { UnitIndex } from '../workspaceIndex';
import type { DiagnosticCode, Severity } from './codes';

/** A finding before it becomes an LSP Diagnostic: offsets, not positions. */
export interface Finding {
  code: DiagnosticCode;
  span: Span;
  message: string;
  /** Overrides the code's default severity where the same code has two strengths (e.g. inline-comment). */
  severity?: Severity;
  /** Data a quick fix needs (e.g. the suggested name); passed through to the LSP diagnostic. */
  data?: Record<string, unknown>;
}

/** Answers "is there a unit with this name where systemd would look?"; undefined when it can't know. */
export interface UnitResolver {
  unitExists(unitName: string, unitDir: string): boolean | undefined;
  /** The text of a unit found next to another, to check a socket's service; undefined when unreadable. */
  readUnit?(unitName: string, unitDir: string): string | undefined;
}

export interface ValidationSettings {
  /** The systemd version the units are meant for. */
  systemdVersion: number;
  /** Per-code severity overrides; "off" silences a code. */
  severities?: Partial<Record<DiagnosticCode, Severity | 'off'>>;
}

export interface CheckInput {
  unit: UnitFile;
  context: UnitContext;
  catalog: DirectiveCatalog;
  settings: ValidationSettings;
  resolver?: UnitResolver;
  /** The workspace's units and drop-ins (the checks that pair a socket with its service read them). */
  index?: UnitIndex;
  /** Path of the document being checked, when it has one (to tell it apart from its copy in the index). */
  path?: string;
  /** The first refusal systemd would report for a unit next to this one, if any (set up by the engine). */
  siblingRefusal?: (unitName: string) => string | undefined;
}

/** A diagnostic check: reads the shared analysis, returns findings. */
export type Check = (analysis: UnitAnalysis, input: CheckInput) => Finding[];
