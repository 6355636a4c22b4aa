// Reads a Dockerfile the way the builder would for given build arguments: stages, each instruction with ARG and ENV
// values substituted where Docker substitutes them (every instruction but RUN and CMD, whose shell or program gets
// them as environment variables), the working directory each instruction runs in, and COPY sources matched against
// the build context. Used by test/images.test.ts (checks) and rehearse-dockerfile.mjs (rehearsal without Docker).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const NOT_SUBSTITUTED = new Set(['RUN', 'CMD']);

function substitute(text, vars, where) {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced, bare) => {
    const name = braced ?? bare;
    if (vars[name] === undefined) throw new Error(`${where} uses $${name}, which is neither a build argument nor ENV of this stage`);
    return vars[name];
  });
}

/**
 * Stages of the Dockerfile: { name, from, args, env, instructions: [{ instruction, args, line, workdir }] }, where
 * `line` is "INSTRUCTION args" after substitution and `workdir` the directory the instruction runs in.
 */
function readDockerfile(file, buildArgs = {}) {
  const lines = fs
    .readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages = [];
  let stage;
  for (const raw of lines) {
    const [word, ...words] = raw.split(/\s+/);
    const instruction = word.toUpperCase();
    if (instruction === 'FROM') {
      const [from, , name] = words;
      const parent = stages.find((s) => s.name === from);
      stage = { name: name ?? `stage${stages.length}`, from, parent, args: {}, env: { ...parent?.env }, workdir: parent?.workdir ?? '/', instructions: [] };
      stages.push(stage);
      continue;
    }
    if (!stage) throw new Error(`${file}: ${instruction} before the first FROM`);
    const vars = { ...stage.args, ...stage.env };
    const args = NOT_SUBSTITUTED.has(instruction) ? words.join(' ') : substitute(words.join(' '), vars, `${file} (${stage.name}: ${raw})`);
    if (instruction === 'ARG') {
      const [name, ...value] = args.split('=');
      stage.args[name] = buildArgs[name] ?? (value.length ? value.join('=') : undefined);
    } else if (instruction === 'ENV') {
      for (const pair of args.split(/\s+/)) {
        const [k, ...v] = pair.split('=');
        stage.env[k] = v.join('=');
      }
    } else if (instruction === 'WORKDIR') {
      stage.workdir = path.posix.resolve(stage.workdir, args);
    }
    stage.instructions.push({ instruction, args, line: `${instruction} ${args}`, workdir: stage.workdir });
  }
  return stages;
}

/** A COPY's parts: { from, parents, sources, dest }. */
function parseCopy(args) {
  const words = args.split(/\s+/);
  const flags = [];
  while (words[0]?.startsWith('--')) flags.push(words.shift());
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, parents: flags.includes('--parents'), sources: words.slice(0, -1), dest: words.at(-1) };
}

function segmentPattern(segment) {
  const escaped = segment.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

/** The paths (relative to root) a COPY source names: itself if it has no wildcard, else what its pattern matches. */
function matchSources(root, source) {
  const clean = source.replace(/^\.\//, '');
  if (!/[*?[]/.test(clean)) return fs.existsSync(path.join(root, clean)) ? [clean] : [];
  let matches = [''];
  for (const segment of clean.split('/')) {
    const pattern = segmentPattern(segment);
    matches = matches.flatMap((dir) => {
      const full = path.join(root, dir);
      if (!fs.existsSync(full) || !fs.statSync(full).isDirectory()) return [];
      return fs
        .readdirSync(full)
        .filter((entry) => pattern.test(entry))
        .map((entry) => (dir ? `${dir}/${entry}` : entry));
    });
  }
  return matches.sort();
}

module.exports = { readDockerfile, parseCopy, matchSources };
