#!/usr/bin/env node
// Rehearses the images without a Docker engine: each stage gets a scratch root directory, COPY copies from the
// repository (or an earlier stage), RUN runs the same commands there with this machine's Node 24 and npm, and the
// final stage's CMD is started to prove the runtime image holds everything it loads (it must get as far as its
// configuration check, exit code 78, instead of dying on a missing module). Each service is built from the Dockerfile
// and build arguments the service table gives it (scripts/services.cjs: imageOf), as skaffold builds it.
// What it cannot check: the base image itself, user creation (groupadd/useradd are skipped), file ownership.
// Usage: node scripts/ci/rehearse-dockerfile.mjs [service ...] [--keep]     (no service: every one in the table)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { matchSources, parseCopy, readDockerfile } from './dockerfile.cjs';
import { SERVICES, imageOf, serviceNamed } from '../services.cjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
// The build context leaves out what .dockerignore leaves out.
const NOT_IN_CONTEXT = /(^|\/)(node_modules|dist|\.next|test|e2e)(\/|$)|tsbuildinfo$|next-env\.d\.ts$/;
const env = { ...process.env, PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`, npm_config_update_notifier: 'false' };

/** Some folder from `dir` up to the stage's root has node_modules/<name> (what Node's resolution would find). */
function resolvable(stageRoot, dir, name) {
  for (let d = dir; ; d = path.posix.dirname(d)) {
    if (existsSync(path.join(stageRoot, d, 'node_modules', name))) return true;
    if (d === '/') return false;
  }
}

function copy(stage, stages, { from, parents, sources, dest }, inStage) {
  const source = from ? stages.find((s) => s.name === from) : undefined;
  if (from && !source) throw new Error(`COPY --from=${from}: no such stage before ${stage.name}`);
  const many = sources.length > 1 || sources.some((s) => /[*?[]/.test(s));
  for (const src of sources) {
    const matches = source ? [src] : matchSources(ROOT, src);
    if (!matches.length || (source && !existsSync(path.join(source.root, src)))) throw new Error(`COPY source missing: ${src}${source ? ` in stage ${source.name}` : ''}`);
    for (const match of matches) {
      const from = source ? path.join(source.root, match) : path.join(ROOT, match);
      // Docker copies a directory's contents into dest, a file into dest when dest is a folder ("/" or several
      // sources), and with --parents each match to the same path under dest.
      const target = parents ? path.join(inStage(dest), match) : !statSync(from).isDirectory() && (dest.endsWith('/') || many) ? path.join(inStage(dest), path.basename(match)) : inStage(dest);
      cpSync(from, target, { recursive: true, filter: (p) => source !== undefined || !NOT_IN_CONTEXT.test(path.relative(ROOT, p)) });
    }
  }
}

function build(service, scratch, log) {
  const { dockerfile, buildArgs } = imageOf(service);
  log(`${dockerfile} ${Object.entries(buildArgs).map(([k, v]) => `--build-arg ${k}=${v}`).join(' ')}`);
  const stages = readDockerfile(path.join(ROOT, dockerfile), buildArgs);
  for (const stage of stages) {
    stage.root = path.join(scratch, stage.name);
    stage.cmd = stage.parent?.cmd;
    // A stage built on an earlier one starts from its files (hard links: cheap, and the earlier stage is done).
    if (stage.parent) execFileSync('cp', ['-al', stage.parent.root, stage.root]);
    else if (!/:\d+\.\d+/.test(stage.from)) throw new Error(`base image ${stage.from} is not pinned to a version`);
    else mkdirSync(stage.root, { recursive: true });
    log(`stage ${stage.name} (${stage.from})`);
    for (const { instruction, args, workdir } of stage.instructions) {
      const inStage = (p) => path.join(stage.root, path.posix.resolve(workdir, p));
      if (instruction === 'WORKDIR') mkdirSync(inStage('.'), { recursive: true });
      else if (instruction === 'COPY') copy(stage, stages, parseCopy(args), inStage);
      else if (instruction === 'CMD') stage.cmd = { argv: JSON.parse(args), workdir };
      else if (instruction === 'RUN') {
        if (/\b(groupadd|useradd|adduser|addgroup)\b/.test(args)) {
          log(`skip (needs root in an image): ${args}`);
          continue;
        }
        // An image throws its npm cache away; here that cache is the machine's own, so keep it.
        const command = args.replace(/\s*&&\s*npm cache clean --force/g, '');
        log(`RUN ${command}`);
        execFileSync('bash', ['-euo', 'pipefail', '-c', command], { cwd: inStage('.'), env: { ...env, ...stage.args, ...stage.env }, stdio: 'inherit' });
      }
      // USER, EXPOSE, ARG, ENV, LABEL: nothing to rehearse (ARG and ENV are in the stage already)
    }
  }
  return stages.at(-1);
}

async function rehearse(service, keep) {
  const scratch = mkdtempSync(path.join(tmpdir(), `rehearse-${service.name}-`));
  const t0 = Date.now();
  const log = (msg) => console.log(`[${service.name} ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
  try {
    const stage = build(service, scratch, log);
    if (!stage.cmd) throw new Error('the final stage has no CMD');
    const cwd = path.join(stage.root, stage.cmd.workdir);
    if (resolvable(stage.root, stage.cmd.workdir, 'typescript')) throw new Error('the runtime stage contains dev dependencies (typescript)');
    const [program, ...args] = stage.cmd.argv;
    const bin = program === 'node' ? process.execPath : program;
    if (stage.env.PORT) {
      // A web server with nothing to configure (the client): it must start and answer its home page.
      const port = String(40000 + Math.floor(Math.random() * 20000));
      log(`CMD ${stage.cmd.argv.join(' ')} on port ${port}: expect it to serve /`);
      const child = spawn(bin, args, { cwd, env: { PATH: env.PATH, ...stage.env, PORT: port, HOSTNAME: '127.0.0.1' }, stdio: 'pipe' });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      let answer;
      for (let i = 0; i < 60 && !answer; i++) {
        await new Promise((r) => setTimeout(r, 500));
        answer = await fetch(`http://127.0.0.1:${port}/`).then(async (r) => ({ status: r.status, body: await r.text() }), () => undefined);
      }
      child.kill('SIGTERM');
      if (!answer || !answer.body.includes('<html')) throw new Error(`${output}\nexpected the server to answer / with a page, got ${answer ? answer.status : 'no answer'}`);
      log(`ok: / answered ${answer.status}`);
    } else {
      // An invalid PORT fails every service's config check, including one whose other variables all have defaults, and
      // only after the whole module graph has loaded.
      log(`CMD ${stage.cmd.argv.join(' ')} (in ${stage.cmd.workdir}) with PORT=not-a-port: expect the config check to stop it`);
      const run = spawnSync(bin, args, { cwd, env: { PATH: env.PATH, ...stage.env, PORT: 'not-a-port' }, encoding: 'utf8', timeout: 30000 });
      const output = `${run.stdout}${run.stderr}`;
      if (run.status !== 78 || !output.includes('PORT') || /Cannot find module|MODULE_NOT_FOUND/.test(output)) {
        throw new Error(`${output}\nexpected the configuration check (exit 78), got exit ${run.status}`);
      }
      log(`ok: ${output.trim().split('\n')[0]}`);
    }
  } finally {
    if (!keep) rmSync(scratch, { recursive: true, force: true });
    else log(`kept ${scratch}`);
  }
}

const argv = process.argv.slice(2);
const names = argv.filter((a) => !a.startsWith('--'));
const services = names.length ? names.map(serviceNamed) : SERVICES;
for (const service of services) {
  try {
    await rehearse(service, argv.includes('--keep'));
  } catch (err) {
    console.error(`[${service.name}] ${err.message}`);
    process.exit(1);
  }
}
