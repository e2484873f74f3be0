/**
 * The systemd releases the catalog is read from: every systemd source package the Debian archive here
 * serves (stable, backports, testing, unstable), one per major version, each downloaded once with apt-get
 * and a private apt configuration (so /etc/apt is never touched) and unpacked under .cache/systemd-src/.
 *
 * The list of releases is discovered (apt-cache madison), not typed here, and cached in releases.json;
 * `--refresh` discovers it again. A package the archive lists but cannot deliver (sid's index sometimes
 * runs ahead of its pool) is skipped for an older one of the same major version.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { PROJECT_ROOT, compare, fail, readText, warn } from './util.mjs';
import { GPERF_PATH } from './gperf.mjs';

const CACHE_DIR = join(PROJECT_ROOT, '.cache/systemd-src');
const RELEASES_FILE = join(CACHE_DIR, 'releases.json');
/** Suites whose systemd is read; older suites than bookworm predate the oldest release we could observe. */
const SUITES = ['bookworm', 'bookworm-backports', 'trixie', 'trixie-backports', 'forky', 'sid'];
const ARCHIVE = 'http://deb.debian.org/debian';
/** What is read from each tree (the rest of the tarball is not needed). */
const PARTS = ['src', 'man', 'NEWS', 'meson.build', 'meson.version'];

/**
 * Releases oldest first: { major, upstream, debian, suite, tree }. SYSTEMD_SRC_DIRS (colon-separated
 * unpacked trees) replaces discovery and download, e.g. for an offline run.
 */
export function locateReleases({ refresh = false } = {}) {
  if (process.env.SYSTEMD_SRC_DIRS) return releasesFromDirs(process.env.SYSTEMD_SRC_DIRS.split(':').filter(Boolean));
  let releases = !refresh && existsSync(RELEASES_FILE) ? JSON.parse(readText(RELEASES_FILE)) : undefined;
  if (!releases) {
    releases = discoverReleases();
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(RELEASES_FILE, `${JSON.stringify(releases, null, 2)}\n`);
  }
  return releases.map((r) => ({ ...r, tree: join(CACHE_DIR, `systemd-${r.upstream}`) })).map(ensureTree);
}

function releasesFromDirs(dirs) {
  return dirs
    .map((tree) => {
      const major = treeMajorVersion(tree);
      if (!major) fail(`${tree} is not a systemd source tree`);
      return { major, upstream: String(major), debian: 'local tree', suite: 'local', tree };
    })
    .sort((a, b) => a.major - b.major);
}

function aptOptions() {
  const aptDir = join(CACHE_DIR, 'apt');
  mkdirSync(join(aptDir, 'lists/partial'), { recursive: true });
  mkdirSync(join(aptDir, 'cache/archives/partial'), { recursive: true });
  const sourcesList = join(aptDir, 'sources.list');
  writeFileSync(
    sourcesList,
    SUITES.map((s) => `deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${ARCHIVE} ${s} main\n`).join(''),
  );
  return [
    '-o', `Dir::Etc::SourceList=${sourcesList}`,
    '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${join(aptDir, 'lists')}`,
    '-o', `Dir::Cache=${join(aptDir, 'cache')}`,
    // forky's and sid's Release files can be past their Valid-Until; the signature is still checked.
    '-o', 'Acquire::Check-Valid-Until=false',
  ];
}

/** Newest package per major version that the archive can deliver, oldest major first. */
function discoverReleases() {
  const options = aptOptions();
  console.error('update-data: looking up the systemd source packages Debian serves ...');
  run('apt-get', [...options, 'update'], CACHE_DIR);
  const madison = execFileSync('apt-cache', [...options, 'madison', 'systemd'], { encoding: 'utf8' });
  const candidates = [];
  for (const line of madison.split('\n')) {
    const m = /^\s*systemd\s*\|\s*(\S+)\s*\|\s*\S+\s+([\w-]+)\/main Sources/.exec(line);
    if (!m) continue;
    const upstream = m[1].replace(/^\d+:/, '').replace(/-[^-]+$/, '');
    candidates.push({ major: Number(upstream.split('.')[0]), upstream, debian: m[1], suite: m[2] });
  }
  if (candidates.length === 0) fail('apt-cache madison lists no systemd source package');
  const byMajor = new Map();
  for (const c of candidates.sort((a, b) => compareVersions(b.upstream, a.upstream))) {
    if (byMajor.has(c.major)) continue;
    if (download(c, options)) byMajor.set(c.major, c);
  }
  return [...byMajor.values()].sort((a, b) => a.major - b.major);
}

function download(release, options) {
  try {
    execFileSync('apt-get', [...options, 'source', '--download-only', `systemd=${release.debian}`], {
      cwd: CACHE_DIR,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    warn(`systemd ${release.debian} (${release.suite}) is listed but could not be downloaded: ${String(error.stderr ?? error.message).trim().split('\n').at(-1)}`);
    return false;
  }
  return existsSync(tarballOf(release));
}

const tarballOf = (release) => join(CACHE_DIR, `systemd_${release.upstream}.orig.tar.gz`);

/** Unpacks the parts we read (once); the tarball's top folder is systemd-X or systemd-stable-X. */
function ensureTree(release) {
  if (existsSync(join(release.tree, GPERF_PATH))) return checkTree(release);
  if (!existsSync(tarballOf(release)) && !download(release, aptOptions())) fail(`cannot get systemd ${release.debian}`);
  const scratch = join(CACHE_DIR, `.unpack-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const top = execFileSync('tar', ['-tzf', tarballOf(release)], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n')[0].split('/')[0];
  const members = PARTS.map((p) => `${top}/${p}`);
  // meson.version exists from 255 on; older trees carry the version in meson.build only.
  run('tar', ['-xzf', tarballOf(release), '-C', scratch, '--ignore-failed-read', ...members.filter((m) => !m.endsWith('meson.version') || release.major >= 255)], CACHE_DIR);
  rmSync(release.tree, { recursive: true, force: true });
  renameSync(join(scratch, top), release.tree);
  rmSync(scratch, { recursive: true, force: true });
  return checkTree(release);
}

function checkTree(release) {
  const major = treeMajorVersion(release.tree);
  if (major !== release.major) fail(`${relative(PROJECT_ROOT, release.tree)} is systemd ${major}, expected ${release.major}`);
  return release;
}

function treeMajorVersion(tree) {
  const versionFile = join(tree, 'meson.version');
  if (existsSync(versionFile)) return Number(readText(versionFile).trim().split('.')[0]);
  const meson = join(tree, 'meson.build');
  const m = existsSync(meson) ? /version\s*:\s*'(\d+)/.exec(readText(meson)) : null;
  return m ? Number(m[1]) : undefined;
}

/** "262.1" > "262" > "257.13": numeric parts compared in order. */
function compareVersions(a, b) {
  const pa = a.split(/[.~+-]/).map(Number);
  const pb = b.split(/[.~+-]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

function run(command, args, cwd) {
  try {
    execFileSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    fail(`${command} ${args.join(' ')} failed: ${error.message.split('\n')[0]}`);
  }
}

/** All .c/.h files under src/, in a stable order (later "first match wins" rules depend on it). */
export function readCSources(srcDir) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.[ch]$/.test(entry.name)) files.push({ path: relative(dirname(srcDir), path), text: readFileSync(path, 'utf8') });
    }
  };
  walk(srcDir);
  return files;
}
