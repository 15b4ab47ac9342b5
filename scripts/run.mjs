// Builds the sources, then runs one compiled entry point:
//   node scripts/run.mjs <file.ts> [args...]
// SIGINT/SIGTERM are forwarded to the entry point so it can shut down cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const [entry, ...args] = process.argv.slice(2);
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], {
  stdio: 'inherit',
  env: { ...process.env, QUIET_BUILD: '1' },
});
if (build.status !== 0) process.exit(build.status ?? 1);

const compiled = join(root, 'dist', entry.replace(/\.ts$/, '.js'));
const child = spawn(process.execPath, ['--enable-source-maps', compiled, ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
