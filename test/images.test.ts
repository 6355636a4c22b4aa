/**
 * The Dockerfiles and skaffold.yaml, read against the code: there is no Docker engine here, so what can be checked
 * without one is checked here, and `npm run test:images` rehearses each Dockerfile's steps for real
 * (scripts/ci/rehearse-dockerfile.mjs).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.join(__dirname, '..');
const IMAGES = [
  { name: 'auth', port: 3001, migrations: true },
  { name: 'tickets', port: 3002, migrations: true },
  { name: 'orders', port: 3003, migrations: true },
  { name: 'expiration', port: 3004, migrations: false },
  { name: 'payments', port: 3005, migrations: true },
  { name: 'client', port: 3000, migrations: false },
];

interface Stage {
  from: string;
  name: string;
  lines: string[];
}

function stagesOf(service: string): Stage[] {
  const text = readFileSync(path.join(root, service, 'Dockerfile'), 'utf8');
  const stages: Stage[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1]!, name: from[2] ?? '', lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

describe.each(IMAGES)('the $name image', ({ name, port, migrations }) => {
  const stages = stagesOf(name);
  const runtime = stages.at(-1)!;

  test('builds on a pinned Node 24 base and ends with a runtime stage', () => {
    for (const s of stages.filter((x) => !stages.some((y) => y.name === x.from))) expect(s.from).toMatch(/^node:24\.\d+(\.\d+)?-[a-z]+(-slim)?$/);
    expect(runtime.name).toBe('runtime');
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(['build', 'dev', 'runtime']));
  });

  test('runs as the non-root uid the manifests expect, on the service port', () => {
    expect(runtime.lines).toContain('USER 10001:10001');
    expect(runtime.lines).toContain(`EXPOSE ${port}`);
  });

  test('ships compiled output and production dependencies only', () => {
    const cmd = JSON.parse(runtime.lines.find((l) => l.startsWith('CMD'))!.slice(3)) as string[];
    expect(cmd[0]).toBe('node');
    expect(cmd.join(' ')).not.toMatch(/tsx|ts-node|next dev|--watch/);
    const installs = runtime.lines.filter((l) => /npm (ci|install)/.test(l));
    for (const i of installs) expect(i).toMatch(/--omit=dev/);
    if (name === 'client') {
      expect(cmd[1]).toBe('client/server.js');
    } else {
      expect(cmd[1]).toBe(`${name}/dist/index.js`);
      expect(runtime.lines).toEqual(expect.arrayContaining([`COPY --from=build /repo/${name}/dist ${name}/dist`, 'COPY --from=build /repo/common/dist common/dist']));
    }
    if (migrations) expect(runtime.lines).toEqual(expect.arrayContaining([`COPY ${name}/migrations ${name}/migrations`, 'COPY common/migrations common/migrations']));
  });

  test('copies only files that exist in the build context', () => {
    for (const line of stages.flatMap((s) => s.lines).filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
      const sources = line.split(/\s+/).slice(1, -1);
      for (const src of sources) expect(existsSync(path.join(root, src))).toBe(true);
    }
  });
});

describe('skaffold.yaml', () => {
  const config = parse(readFileSync(path.join(root, 'skaffold.yaml'), 'utf8'));

  test('uses the current schema and builds one artifact per image from the repository root', () => {
    expect(config.apiVersion).toBe('skaffold/v4beta13');
    const artifacts = config.build.artifacts as Array<{ image: string; context: string; docker: { dockerfile: string } }>;
    expect(artifacts.map((a) => a.image).sort()).toEqual(IMAGES.map((i) => `ticketing/${i.name}`).sort());
    for (const a of artifacts) {
      expect(a.context).toBe('.');
      expect(existsSync(path.join(root, a.docker.dockerfile))).toBe(true);
    }
    expect(config.manifests.kustomize.paths).toEqual(['infra/k8s/overlays/dev']);
  });

  test('skaffold dev builds the dev stages and syncs sources that exist', () => {
    const dev = config.profiles.find((p: { name: string }) => p.name === 'dev');
    expect(dev.activation).toEqual([{ command: 'dev' }]);
    for (const a of dev.build.artifacts) {
      expect(a.docker.target).toBe('dev');
      expect(stagesOf(a.docker.dockerfile.split('/')[0]).map((s) => s.name)).toContain('dev');
      for (const rule of a.sync.manual) expect(existsSync(path.join(root, rule.src.split('/**')[0]))).toBe(true);
    }
    expect(existsSync(path.join(root, dev.manifests.kustomize.paths[0], 'kustomization.yaml'))).toBe(true);
  });

  test('the prod profile renders the prod overlay', () => {
    const prod = config.profiles.find((p: { name: string }) => p.name === 'prod');
    expect(prod.manifests.kustomize.paths).toEqual(['infra/k8s/overlays/prod']);
  });
});
