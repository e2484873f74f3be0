/**
 * `npm run fuzz [-- --minutes N] [-- --seed S]`: the server fuzzer, the lint fuzzer and a typing storm for
 * N minutes (10 by default), then the figures. Exits 1 on any crash, protocol violation, request over 1 s
 * or resident memory over 300 MB.
 */
import { fuzzServer, seedUnits } from './lspFuzz';
import { fuzzLint } from './lintFuzz';
import { largeUnitLatency, storm } from './storm';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}

const minutes = option('minutes', 10);
const seed = option('seed', Date.now() % 2 ** 31);
const MEMORY_LIMIT_MB = 300;
const LARGE_GOAL_MS = 100;

async function main(): Promise<number> {
  const started = Date.now();
  const end = started + minutes * 60_000;
  console.log(`fuzz: seed ${seed}, ${minutes} min (repeat with --seed ${seed})`);
  // A fifth of the time for lint, the rest for the server; the storm at the end.
  const lint = fuzzLint(seed, Number.MAX_SAFE_INTEGER, 50, started + (end - started) / 5);
  const server = await fuzzServer({ seed, scenarios: Number.MAX_SAFE_INTEGER, deadline: end - 20_000, log: (l) => console.log(l) });
  const typing = await storm();
  const large = await largeUnitLatency(seedUnits());
  const violations = [...lint.violations, ...server.violations];
  console.log(`lint:   ${lint.files} files in ${lint.runs} runs, ${lint.violations.length} violations`);
  console.log(
    `server: ${server.documents} documents, ${server.edits} edits, ${server.requests} requests; ${server.crashes} crashes, ` +
      `${server.violations.length} protocol violations, ${server.slow} requests over 1 s (slowest ${server.maxLatencyMs.toFixed(0)} ms), ` +
      `resident memory up to ${server.maxRssMb.toFixed(0)} MB`,
  );
  console.log(
    `storm:  ${typing.edits} edits on a ${typing.lines}-line unit with ${typing.warnings} warnings: final diagnostics ${typing.drainMs.toFixed(0)} ms after the last edit, ` +
      `a hover in the middle ${typing.hoverMs.toFixed(0)} ms, resident memory up to ${typing.maxRssMb.toFixed(0)} MB`,
  );
  const kinds = Object.entries(large.slowest).sort((a, b) => b[1] - a[1]);
  console.log(`large:  a ${large.lines}-line unit, slowest round trip per request (goal: under ${LARGE_GOAL_MS} ms; an empty round trip ${large.pingMs.toFixed(1)} ms):`);
  for (const [kind, ms] of kinds) console.log(`        ${kind.padEnd(40)} ${ms.toFixed(1).padStart(7)} ms${ms > LARGE_GOAL_MS ? '  over the goal' : ''}`);
  for (const v of violations.slice(0, 20)) console.log(`  ${v}`);
  const ok = violations.length === 0 && server.crashes === 0 && server.slow === 0 && Math.max(server.maxRssMb, typing.maxRssMb) < MEMORY_LIMIT_MB;
  console.log(ok ? 'fuzz: clean' : 'fuzz: FAILED');
  return ok ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`fuzz: ${(e as Error).message}`);
  process.exit(2);
});
