/**
 * A short, seeded pass of the fuzzers (test/fuzz/): the same checks as `npm run fuzz`, a few seconds long,
 * so every `npm test` drives the server and `sockact lint` with hostile input. A failure prints the seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzServer } from './fuzz/lspFuzz';
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
