/**
 * What completion offers, systemd accepts: for every systemd version this machine can run (252 here, 257
 * and 262 from the Debian roots), every word completion offers after `Key=` for every directive that
 * version knows, in the sections of the common unit types, is written into units and given to that
 * version's `systemd-analyze verify`; no line may draw a message (an unknown value, an obsolete word …).
 * The words are taken from the language service itself, so a word the catalog dates wrongly fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CompletionItemKind, InsertTextFormat } from 'vscode-languageserver-types';
import { directiveAt, defaultCatalog } from '../server/src/service/catalog';
import { doComplete } from '../server/src/service/completion';
import type { FeatureContext } from '../server/src/service/featureContext';
import { parseUnit } from '../server/src/service/parser';
import { unitContextFromUri } from '../server/src/service/unitContext';
import { withCursor } from './helpers/cursor';
import { skipUnlessValidator, validatorFor } from './helpers/validators';

/** A unit of each type, with what it needs to load, and the sections whose keys are tried in it. */
const PROBES: { file: string; base: string; sections: string[] }[] = [
  { file: 'probe.service', base: '[Service]\nExecStart=/bin/true\n', sections: ['Unit', 'Service', 'Install'] },
  { file: 'probe.socket', base: '[Socket]\nListenStream=127.0.0.1:9\n', sections: ['Socket'] },
  { file: 'probe.timer', base: '[Timer]\nOnActiveSec=1h\nUnit=probe.service\n', sections: ['Timer'] },
  { file: 'probe.path', base: '[Path]\nPathExists=/tmp\nUnit=probe.service\n', sections: ['Path'] },
  { file: 'probe.slice', base: '[Slice]\n', sections: ['Slice'] },
  { file: 'tmp-probe.mount', base: '[Mount]\nWhat=tmpfs\nWhere=/tmp/probe\nType=tmpfs\n', sections: ['Mount'] },
];

interface Tried {
  file: string;
  line: number;
  text: string;
}

/** The plain words completion offers after `Key=` (no snippets with placeholders; "" for the empty value). */
function offeredWords(file: string, section: string, key: string, version: number): string[] {
  const marked = withCursor(`[${section}]\n${key}=|\n`, `file:///proj/${file}`);
  const ctx: FeatureContext = {
    catalog: defaultCatalog(),
    context: unitContextFromUri(marked.document.uri),
    systemdVersion: version,
    workspaceUnits: [],
  };
  const list = doComplete(marked.document, parseUnit(marked.text), marked.position, ctx);
  return list.items
    .filter((i) => i.kind === CompletionItemKind.EnumMember || i.kind === CompletionItemKind.Value)
    .filter((i) => i.insertTextFormat !== InsertTextFormat.Snippet)
    .map((i) => i.textEdit?.newText ?? i.insertText ?? i.label)
    .filter((w) => !/\s/.test(w));
}

/** Units whose lines are `Key=word` for every offered word; returns what each line is. */
function writeProbes(dir: string, version: number): { files: string[]; tried: Tried[] } {
  const catalog = defaultCatalog();
  const tried: Tried[] = [];
  const files: string[] = [];
  for (const probe of PROBES) {
    const lines = probe.base.split('\n').slice(0, -1);
    for (const section of probe.sections) {
      // A section may appear more than once in a unit file; systemd reads them as one.
      lines.push(`[${section}]`);
      for (const known of catalog.directivesIn(section)) {
        const def = directiveAt(known, version);
        if (def.status || def.aliasOf || (def.since ?? 0) > version) continue;
        for (const word of offeredWords(probe.file, section, def.name, version)) {
          lines.push(`${def.name}=${word}`);
          tried.push({ file: probe.file, line: lines.length, text: `[${section}] ${def.name}=${word}` });
        }
      }
    }
    const file = path.join(dir, probe.file);
    writeFileSync(file, `${lines.join('\n')}\n`);
    files.push(file);
  }
  return { files, tried };
}

for (const version of [252, 257, 262]) {
  test(`systemd ${version}: every value completion offers is accepted by that version's verify`, { skip: skipUnlessValidator(version) }, () => {
    const validator = validatorFor(version)!;
    const dir = mkdtempSync(path.join(os.tmpdir(), `sockact-offered-${version}-`));
    try {
      const { files, tried } = writeProbes(dir, version);
      assert.ok(tried.length > 300, `only ${tried.length} words tried`);
      const outcome = validator.verify(files);
      const complaints = outcome.parseMessages
        .filter((m) => m.file)
        .map((m) => {
          const what = tried.find((t) => t.file === path.basename(m.file!) && t.line === m.line);
          return what ? `${what.text}: ${m.text}` : undefined;
        })
        .filter((x): x is string => x !== undefined);
      assert.equal(complaints.length, 0, `${complaints.length} of ${tried.length} offered words draw a message from systemd ${version}:\n${complaints.join('\n')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
