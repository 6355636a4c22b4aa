// For the fault suite (test/faults): builds what is out of date with the platform runner's build step (one build at a
// time per checkout, shared with parallel `npm start`s) and prints the service table as JSON on stdout. The suite runs
// in Jest, which cannot load these ES modules itself, so it runs this file as a child process.
//   node scripts/faults/prepare.mjs [--no-build] [service ...]
import { BACKEND_SERVICES } from '../services.cjs';
import { buildWorkspaces } from '../platform/build.mjs';
import { ROOT } from '../platform/index.mjs';

const args = process.argv.slice(2);
const build = !args.includes('--no-build');
const names = args.filter((a) => !a.startsWith('--'));
const services = BACKEND_SERVICES.filter((s) => !names.length || names.includes(s.name));

if (build) {
  const built = await buildWorkspaces(ROOT, [{ dir: 'common' }, ...services], { log: (line) => process.stderr.write(`build: ${line}\n`) });
  process.stderr.write(built.length ? `built ${built.join(', ')}\n` : 'build is up to date\n');
}
process.stdout.write(`${JSON.stringify({ root: ROOT, services })}\n`);
