#!/usr/bin/env node
// Rehearses a Dockerfile without a Docker engine: each stage gets a scratch root directory, COPY copies from the
// repository (or an earlier stage), RUN runs the same commands there with this machine's Node 24 and npm, and the
// final stage's CMD is started to prove the runtime image holds everything it loads (it must get as far as its
// configuration check, exit code 78, instead of dying on a missing module).
// What it cannot check: the base image itself, user creation (groupadd/useradd are skipped), file ownership.
// Usage: node scripts/ci/rehearse-dockerfile.mjs <service> [--keep]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const service = process.argv[2];
if (!service) {
  console.error('usage: rehearse-dockerfile.mjs <service> [--keep]');
  process.exit(2);
}
const dockerfile = path.join(ROOT, service, 'Dockerfile');
const lines = readFileSync(dockerfile, 'utf8')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

const scratch = mkdtempSync(path.join(tmpdir(), `rehearse-${service}-`));
const stages = new Map();
let stage;
const env = { ...process.env, PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`, npm_config_update_notifier: 'false' };
const t0 = Date.now();
const log = (msg) => console.log(`[${service} ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
const inStage = (p) => path.join(stage.root, path.isAbsolute(p) ? p : path.join(stage.workdir, p));

for (const line of lines) {
  const [instruction, ...rest] = line.split(/\s+/);
  const args = rest.join(' ');
  switch (instruction.toUpperCase()) {
    case 'FROM': {
      const [image, , name] = rest;
      const parent = stages.get(image);
      if (!parent && !/:\d+\.\d+/.test(image)) throw new Error(`base image ${image} is not pinned to a version`);
      stage = { name: name ?? `stage${stages.size}`, root: path.join(scratch, name ?? `stage${stages.size}`), workdir: parent?.workdir ?? '/', env: { ...parent?.env }, cmd: parent?.cmd };
      // A stage built on an earlier one starts from its files (hard links: cheap, and the earlier stage is done).
      if (parent) execFileSync('cp', ['-al', parent.root, stage.root]);
      else mkdirSync(stage.root, { recursive: true });
      stages.set(stage.name, stage);
      log(`stage ${stage.name} (${image})`);
      break;
    }
    case 'WORKDIR':
      stage.workdir = path.resolve(stage.workdir, args);
      mkdirSync(inStage('.'), { recursive: true });
      break;
    case 'ENV': {
      for (const pair of rest) {
        const [k, ...v] = pair.split('=');
        stage.env[k] = v.join('=');
      }
      break;
    }
    case 'COPY': {
      const from = rest[0].startsWith('--from=') ? stages.get(rest.shift().slice(7)) : undefined;
      const dest = rest.pop();
      for (const src of rest) {
        const source = from ? path.join(from.root, src) : path.join(ROOT, src);
        if (!existsSync(source)) throw new Error(`COPY source missing: ${src}${from ? ` in stage ${from.name}` : ''}`);
        // Docker copies a directory's contents into dest, and a file into dest when dest ends with "/".
        const target = !statSync(source).isDirectory() && dest.endsWith('/') ? path.join(inStage(dest), path.basename(src)) : inStage(dest);
        // The build context excludes what .dockerignore excludes.
        const filter = (p) => from !== undefined || !/(^|\/)(node_modules|dist|\.next|test|e2e)(\/|$)|tsbuildinfo$|next-env\.d\.ts$/.test(path.relative(ROOT, p));
        cpSync(source, target, { recursive: true, filter });
      }
      break;
    }
    case 'RUN': {
      if (/\b(groupadd|useradd|adduser|addgroup)\b/.test(args)) {
        log(`skip (needs root in an image): ${args}`);
        break;
      }
      // An image throws its npm cache away; here that cache is the machine's own, so keep it.
      const command = args.replace(/\s*&&\s*npm cache clean --force/g, '');
      log(`RUN ${command}`);
      execFileSync('bash', ['-euo', 'pipefail', '-c', command], { cwd: inStage('.'), env: { ...env, ...stage.env }, stdio: 'inherit' });
      break;
    }
    case 'CMD':
      stage.cmd = JSON.parse(args);
      break;
    default:
      break; // USER, EXPOSE, ARG, LABEL: nothing to rehearse
  }
}

if (!stage.cmd) throw new Error('the final stage has no CMD');
if (existsSync(inStage('node_modules/typescript'))) throw new Error('the runtime stage contains dev dependencies (typescript)');
const bin = stage.cmd[0] === 'node' ? process.execPath : stage.cmd[0];
if (stage.env.PORT) {
  // A web server with nothing to configure (the client): it must start and answer its home page.
  const port = String(40000 + Math.floor(Math.random() * 20000));
  log(`CMD ${stage.cmd.join(' ')} on port ${port}: expect it to serve /`);
  const child = spawn(bin, stage.cmd.slice(1), { cwd: inStage('.'), env: { PATH: env.PATH, ...stage.env, PORT: port, HOSTNAME: '127.0.0.1' }, stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let answer;
  for (let i = 0; i < 60 && !answer; i++) {
    await new Promise((r) => setTimeout(r, 500));
    answer = await fetch(`http://127.0.0.1:${port}/`).then(async (r) => ({ status: r.status, body: await r.text() }), () => undefined);
  }
  child.kill('SIGTERM');
  if (!answer || !answer.body.includes('<html')) {
    console.error(output);
    console.error(`expected the server to answer / with a page, got ${answer ? answer.status : 'no answer'}`);
    process.exit(1);
  }
  log(`ok: / answered ${answer.status}`);
} else {
  // An invalid PORT fails every service's config check, including one whose other variables all have defaults, and
  // only after the whole module graph has loaded.
  log(`CMD ${stage.cmd.join(' ')} with PORT=not-a-port: expect the config check to stop it`);
  const run = spawnSync(bin, stage.cmd.slice(1), { cwd: inStage('.'), env: { PATH: env.PATH, ...stage.env, PORT: 'not-a-port' }, encoding: 'utf8', timeout: 30000 });
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== 78 || !output.includes('PORT') || /Cannot find module|MODULE_NOT_FOUND/.test(output)) {
    console.error(output);
    console.error(`expected the configuration check (exit 78), got exit ${run.status}`);
    process.exit(1);
  }
  log(`ok: ${output.trim().split('\n')[0]}`);
}
if (!process.argv.includes('--keep')) rmSync(scratch, { recursive: true, force: true });
