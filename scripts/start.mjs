// `npm start`: until the browser-based VS Code lands, show the product on the examples from a terminal.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function unitFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? unitFiles(join(dir, e.name)) : /\.(socket|service|timer|path|mount|automount|swap|target|slice|conf)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const files = unitFiles('examples').sort();
console.log(`sockact lint ${files.join(' ')}\n`);
const result = spawnSync(process.execPath, ['dist/cli.js', 'lint', ...files], { stdio: 'inherit' });
console.log(`\nsockact exited with ${result.status} (1 means systemd would refuse a unit: see examples/blog-post/).`);
