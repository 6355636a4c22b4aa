#!/usr/bin/env node
// npm run test:mutants [-- --only=name,name] [--list] [--check] [--working-tree] [--no-baseline] [--keep] [--mutants=file]
//
// Plants each mutant of mutants.mjs (a plausible bug in invariant-critical code) alone in a COPY of the repository and
// runs the tests that should catch it. A mutant the tests catch is "killed"; one they miss "survived": a missing test.
// The copy is a detached git worktree of HEAD (or, with --working-tree, the tracked and untracked files as they are
// now), with node_modules linked, so the shared working tree is never touched. Exits non-zero if any mutant survived,
// no longer applies (its file or text moved), or broke the build instead of the behaviour.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const MUTANT_TIMEOUT_MS = Number(option('timeout-seconds') ?? 600) * 1000;

async function main() {
  // --mutants=<file> plants another list (e.g. to try a new mutant before it joins mutants.mjs).
  const { MUTANTS } = await import(option('mutants') ? pathToFileURL(path.resolve(option('mutants'))).href : './mutants.mjs');
  const only = option('only')?.split(',');
  const unknown = only?.filter((n) => !MUTANTS.some((m) => m.name === n)) ?? [];
  if (unknown.length) fail(`unknown mutant(s): ${unknown.join(', ')} (see --list)`);
  const mutants = only ? MUTANTS.filter((m) => only.includes(m.name)) : MUTANTS;
  if (flag('list')) {
    for (const m of mutants) console.log(`${m.name.padEnd(36)} invariant ${String(m.invariant).padEnd(3)} ${editsOf(m).map((e) => e.file).join(' + ')}\n${' '.repeat(41)}${m.description}`);
    return 0;
  }
  return run(mutants);
}

async function run(mutants) {
  const started = Date.now();
  const copy = makeCopy(flag('working-tree'));
  const cleanUp = () => (flag('keep') ? console.log(`copy kept at ${copy.dir}`) : copy.remove());
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      if (runningJest) process.kill(-runningJest.pid, 'SIGKILL'); // its own process group: the signal did not reach it
      cleanUp();
      process.exit(130);
    });
  }
  try {
    console.log(`copy of ${copy.source} at ${copy.dir}\n`);
    const results = [];
    const applicable = [];
    for (const m of mutants) {
      const problem = whyNotApplicable(copy.dir, m);
      if (problem) results.push({ mutant: m, verdict: 'not applied', detail: problem });
      else applicable.push(m);
    }
    for (const r of results) console.log(`NOT APPLIED  ${r.mutant.name}: ${r.detail}`);
    if (flag('check')) {
      console.log(`${applicable.length} of ${mutants.length} mutants apply to ${copy.source}`);
      return results.length ? 1 : 0;
    }

    if (applicable.length && !flag('no-baseline')) {
      const tests = [...new Set(applicable.flatMap((m) => m.tests))];
      process.stdout.write(`baseline: ${tests.length} test files on the unmutated copy ... `);
      const baseline = await runJest(copy.dir, tests, { bail: false });
      console.log(`${baseline.passed ? 'pass' : 'FAIL'} (${seconds(baseline.ms)})`);
      if (!baseline.passed) {
        console.log(indent(baseline.failures.join('\n') || baseline.output.slice(-3000)));
        // Timing-sensitive tests can fail on a loaded machine: the failing files get one more, quieter, run.
        const again = await runJest(copy.dir, baseline.failedFiles.length ? baseline.failedFiles : tests, { bail: false, workers: 1 });
        if (!again.passed) fail('the tests fail without any mutant, so no mutant can be judged: fix them first');
        console.log(`  passed when run again alone (${seconds(again.ms)}): timing-sensitive under load; a kill by these tests may be noise`);
      }
    }

    for (const [i, m] of applicable.entries()) {
      const label = `[${String(i + 1).padStart(2)}/${applicable.length}] ${m.name} (invariant ${m.invariant})`;
      process.stdout.write(`${label} ... `);
      const originals = new Map();
      let outcome;
      try {
        for (const e of editsOf(m)) {
          const file = path.join(copy.dir, e.file);
          const source = fs.readFileSync(file, 'utf8');
          if (!originals.has(file)) originals.set(file, source);
          fs.writeFileSync(file, mutate(source, e, m.name));
        }
        outcome = await runJest(copy.dir, m.tests, { bail: true, testName: m.testName });
      } finally {
        for (const [file, original] of originals) fs.writeFileSync(file, original);
      }
      const result = judge(m, outcome);
      results.push(result);
      console.log(`${result.verdict.toUpperCase()} in ${seconds(outcome.ms)}${result.detail ? `\n${indent(result.detail)}` : ''}`);
    }

    const count = (verdict) => results.filter((r) => r.verdict === verdict).length;
    const extra = ['not applied', 'broken'].filter(count).map((v) => `, ${count(v)} ${v}`).join('');
    console.log(`\n${results.length} mutants: ${count('killed')} killed, ${count('survived')} survived${extra} (${seconds(Date.now() - started)})`);
    for (const r of results.filter((x) => x.verdict !== 'killed')) console.log(`  ${r.verdict}: ${r.mutant.name} — ${r.mutant.description}`);
    return results.every((r) => r.verdict === 'killed') ? 0 : 1;
  } finally {
    cleanUp();
  }
}

/** A place to plant mutants: a detached worktree of HEAD, or a copy of the working tree's files. */
function makeCopy(fromWorkingTree) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticketing-mutants-'));
  const root = path.join(dir, 'repo');
  if (fromWorkingTree) {
    const files = git(['ls-files', '-z', '--cached', '--others', '--exclude-standard']).split('\0').filter(Boolean);
    for (const f of files) {
      if (!fs.existsSync(path.join(repo, f))) continue; // deleted in the working tree, not yet in the index
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.copyFileSync(path.join(repo, f), path.join(root, f));
    }
  } else {
    git(['worktree', 'add', '--detach', '--quiet', root, 'HEAD']);
  }
  for (const modules of nodeModulesDirs()) fs.symlinkSync(path.join(repo, modules), path.join(root, modules), 'dir');
  return {
    dir: root,
    source: fromWorkingTree ? 'the working tree' : `HEAD (${git(['rev-parse', '--short', 'HEAD']).trim()})`,
    remove: () => {
      if (!fromWorkingTree) spawnSync('git', ['worktree', 'remove', '--force', root], { cwd: repo });
      fs.rmSync(dir, { recursive: true, force: true });
      if (!fromWorkingTree) spawnSync('git', ['worktree', 'prune'], { cwd: repo });
    },
  };
}

/** The root's node_modules and any workspace's own. */
function nodeModulesDirs() {
  const workspaces = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).workspaces ?? [];
  return ['node_modules', ...workspaces.map((w) => path.join(w, 'node_modules'))].filter((d) => fs.existsSync(path.join(repo, d)));
}

/** The mutant's edits: its own, then any `also` (one bug whose idea is kept in two places, e.g. a check and its SQL guard). */
function editsOf(m) {
  return [{ file: m.file, find: m.find, replace: m.replace }, ...(m.also ?? [])];
}

function whyNotApplicable(root, m) {
  const missingTests = m.tests.filter((t) => !fs.existsSync(path.join(root, t)));
  if (missingTests.length) return `test file(s) not found: ${missingTests.join(', ')}`;
  for (const e of editsOf(m)) {
    const file = path.join(root, e.file);
    if (!fs.existsSync(file)) return `file ${e.file} does not exist (moved?)`;
    const matches = occurrences(fs.readFileSync(file, 'utf8'), e.find);
    if (matches === 0) return `text not found in ${e.file}: ${show(e.find)}`;
    if (matches > 1) return `text found ${matches} times in ${e.file} (must be exactly once): ${show(e.find)}`;
  }
  return undefined;
}

function occurrences(source, find) {
  if (typeof find === 'string') return source.split(find).length - 1;
  return [...source.matchAll(new RegExp(find.source, `${find.flags.replace('g', '')}g`))].length;
}

function mutate(source, edit, name) {
  const mutated = typeof edit.find === 'string' ? source.replace(edit.find, () => edit.replace) : source.replace(edit.find, edit.replace);
  if (mutated === source) throw new Error(`mutant ${name} changed nothing in ${edit.file}`);
  return mutated;
}

function judge(m, outcome) {
  if (outcome.timedOut) return { mutant: m, verdict: 'killed', detail: `the tests did not finish within ${seconds(MUTANT_TIMEOUT_MS)}` };
  if (outcome.passed && !outcome.ran) return { mutant: m, verdict: 'not applied', detail: `no test ran: is testName ${show(m.testName)} still a test's name?` };
  if (outcome.passed) return { mutant: m, verdict: 'survived', detail: `${outcome.ran} tests passed: ${m.tests.join(', ')}${m.testName ? ` (named ${show(m.testName)})` : ''}` };
  // A suite that cannot even load (syntax error in the replacement) says nothing about the behaviour.
  if (outcome.suiteErrors.length && !outcome.failures.length) return { mutant: m, verdict: 'broken', detail: outcome.suiteErrors.join('\n') };
  return { mutant: m, verdict: 'killed', detail: outcome.failures.slice(0, 3).join('\n') || outcome.output.slice(-1500) };
}

let runningJest;

/** Runs jest in the copy; reports whether it passed, the failing tests' names, and suites that failed to load. */
function runJest(root, tests, { bail, testName, workers = option('workers') ?? 2 }) {
  const report = path.join(root, '..', `jest-${Date.now()}.json`);
  const jestArgs = [
    path.join(root, 'node_modules/jest/bin/jest.js'),
    '--ci',
    '--forceExit',
    `--maxWorkers=${workers}`,
    `--cacheDirectory=${path.join(root, '..', 'jest-cache')}`,
    '--json',
    `--outputFile=${report}`,
    ...(bail ? ['--bail=1'] : []),
    ...(testName ? [`--testNamePattern=${testName}`] : []),
    '--runTestsByPath',
    ...tests,
  ];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = (runningJest = spawn(process.execPath, jestArgs, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid, 'SIGKILL');
    }, MUTANT_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      runningJest = undefined;
      const parsed = readReport(report, root);
      resolve({ passed: code === 0 && !timedOut, timedOut, ms: Date.now() - started, output, ...parsed });
    });
  });
}

function readReport(file, root) {
  if (!fs.existsSync(file)) return { failures: [], suiteErrors: [], failedFiles: [], ran: 0 };
  const { testResults = [], numPassedTests = 0, numFailedTests = 0 } = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.rmSync(file);
  const failures = testResults.flatMap((suite) =>
    suite.assertionResults.filter((a) => a.status === 'failed').map((a) => `${path.basename(suite.name)} › ${a.fullName}`),
  );
  const suiteErrors = testResults
    .filter((suite) => suite.status === 'failed' && !suite.assertionResults.some((a) => a.status === 'failed'))
    .map((suite) => `${path.basename(suite.name)}: ${(suite.message ?? '').split('\n').find((l) => l.trim() && !/Test suite failed to run/.test(l))?.trim()}`);
  const failedFiles = testResults.filter((suite) => suite.status === 'failed').map((suite) => path.relative(root, suite.name));
  return { failures, suiteErrors, failedFiles, ran: numPassedTests + numFailedTests };
}

function git(gitArgs) {
  const r = spawnSync('git', gitArgs, { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) fail(`git ${gitArgs.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const show = (find) => (typeof find === 'string' ? JSON.stringify(find) : String(find));
function seconds(ms) {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${(ms / 1000).toFixed(1)} s`;
}
const indent = (text) => text.replace(/^/gm, '      ');

class Stop extends Error {}
function fail(message) {
  throw new Stop(message);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`test:mutants: ${err instanceof Stop ? err.message : err.stack}`);
    process.exit(2);
  },
);
