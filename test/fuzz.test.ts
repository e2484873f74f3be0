/**
 * A short, seeded pass of the fuzzers (test/fuzz/): the same checks as `npm run fuzz`, a few seconds long,
 * so every `npm test` drives the server and `sockact lint` with hostile input. A failure prints the seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createLanguageService } from '../server/src/service/languageService';
import { fuzzServer, PIECES, seedUnits } from './fuzz/lspFuzz';
import { rangeInside } from './fuzz/model';
import { fuzzLint } from './fuzz/lintFuzz';
import { storm } from './fuzz/storm';

const SEEDS = [1, 20261202];

for (const seed of SEEDS) {
  test(`server fuzz, seed ${seed}: no crash, every answer within the protocol, diagnostics equal a fresh lint`, async () => {
    const f = await fuzzServer({ seed, scenarios: 12 });
    assert.equal(f.crashes, 0);
    assert.deepEqual(f.violations, [], `seed ${seed}`);
    assert.ok(f.requests > 50 && f.edits > 50, `the pass did little: ${JSON.stringify(f)}`);
  });
}

test('lint fuzz: mutated units and random bytes end in 0, 1 or 2 with one-line messages and valid JSON', () => {
  const f = fuzzLint(7, 4, 40);
  assert.deepEqual(f.violations, []);
  assert.equal(f.files, 160);
});

test('a typing storm on a 3,000-line unit: the final text gets its diagnostics and memory stays bounded', async () => {
  const s = await storm(3000, 300);
  assert.ok(s.warnings > 1000, `the unit should be full of warnings: ${s.warnings}`);
  assert.ok(s.maxRssMb < 300, `resident memory ${s.maxRssMb.toFixed(0)} MB`);
});

test('property (fast-check): any mutation of a real unit is diagnosed without a throw, every range inside the text', () => {
  const seeds = seedUnits().slice(0, 200);
  const insertion = fc.record({ at: fc.nat(), piece: fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 })) });
  const service = createLanguageService({});
  fc.assert(
    fc.property(fc.constantFrom(...seeds), fc.array(insertion, { maxLength: 8 }), fc.constantFrom('socket', 'service', 'timer', 'mount', 'conf'), (seedText, inserts, ext) => {
      let text = seedText;
      for (const { at, piece } of inserts) {
        const i = at % (text.length + 1);
        text = text.slice(0, i) + piece + text.slice(i);
      }
      const document = TextDocument.create(`file:///fc/x.${ext}`, 'systemd-unit-file', 1, text);
      const unit = service.parse(document);
      for (const d of service.doValidation(document, unit, { systemdVersion: 252 })) {
        if (!rangeInside(text, d.range)) throw new Error(`diagnostic ${d.code} outside the text: ${JSON.stringify(d.range)}`);
      }
      for (const s of service.findDocumentSymbols(document, unit)) if (!rangeInside(text, s.range)) throw new Error('symbol outside the text');
    }),
    { seed: 20261202, numRuns: 300 },
  );
});

test('property (fast-check): random bytes decoded as a unit never make the service throw', () => {
  const service = createLanguageService({});
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
      const text = new TextDecoder().decode(bytes);
      const document = TextDocument.create('file:///fc/bytes.socket', 'systemd-unit-file', 1, text);
      service.doValidation(document, service.parse(document), { systemdVersion: 262 });
    }),
    { seed: 7, numRuns: 300 },
  );
});
