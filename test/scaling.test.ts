/**
 * Work that must grow linearly with the input (issue 13): each case is run at size n and 10n in the same
 * process and the ratio of the best of several runs is compared. Linear work gives about 10 (a little more
 * with the garbage collector), quadratic work 100; the bound of 40 leaves room for a busy machine without
 * letting a quadratic step through. Not a timing test: no absolute duration is asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createLanguageService } from '../server/src/service/languageService';

const service = createLanguageService({});
const SETTINGS = { systemdVersion: 262 };

function best(runs: number, work: () => void): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    work();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

function growth(make: (n: number) => () => void, n: number): number {
  const small = make(n);
  const large = make(10 * n);
  small(); // warm the code paths up before measuring
  large();
  small();
  return best(7, large) / Math.max(best(7, small), 0.05);
}

const doc = (text: string, name = 'big.socket') => TextDocument.create(`file:///scaling/${name}`, 'systemd-unit-file', 1, text);

test('a value continued over many lines parses in linear time', (t) => {
  const ratio = growth((n) => {
    const d = doc('[Socket]\nListenStream=80\\\n' + 'ListenStream=80\\\n'.repeat(n) + '\n');
    return () => service.parse(d);
  }, 4000);
  t.diagnostic(`growth ${ratio.toFixed(1)}x for 10x the input`);
  assert.ok(ratio < 40, `10x the lines took ${ratio.toFixed(1)}x the time`);
});

test('code actions over the whole document grow linearly with its diagnostics', (t) => {
  const ratio = growth((n) => {
    const lines = ['[Socket]'];
    for (let i = 0; i < n; i++) lines.push(`ListenStream=/var/run/s${i}.sock # c`, `Bogus${i % 50}=1`);
    const d = doc(lines.join('\n') + '\n');
    const unit = service.parse(d);
    const diagnostics = service.doValidation(d, unit, SETTINGS);
    const range = { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } };
    return () => service.doCodeActions(d, unit, range, diagnostics, SETTINGS);
  }, 300);
  t.diagnostic(`growth ${ratio.toFixed(1)}x for 10x the input`);
  assert.ok(ratio < 40, `10x the diagnostics took ${ratio.toFixed(1)}x the time`);
});
