/**
 * The Dockerfiles and skaffold.yaml, read against the code and the service table: there is no Docker engine here, so
 * what can be checked without one is checked here, and `npm run test:images` rehearses each image's build for real
 * (scripts/ci/rehearse-dockerfile.mjs). Each Dockerfile is read as the builder reads it for that service's build
 * arguments (scripts/ci/dockerfile.cjs).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { matchSources, parseCopy, readDockerfile, type DockerStage } from '../scripts/ci/dockerfile.cjs';
import { BACKEND_SERVICES, ROOT, SERVICE_DOCKERFILE, SERVICES, imageOf, serviceNamed } from './support/platform-runner';

function stagesOf(dockerfile: string, buildArgs: Record<string, string>): DockerStage[] {
  return readDockerfile(path.join(ROOT, dockerfile), buildArgs);
}

const lines = (stage: DockerStage) => stage.instructions.map((i) => i.line);

test('one Dockerfile serves every Node service; only the Next.js client has its own', () => {
  for (const s of BACKEND_SERVICES) {
    expect(imageOf(s).dockerfile).toBe(SERVICE_DOCKERFILE);
    expect(existsSync(path.join(ROOT, s.dir, 'Dockerfile'))).toBe(false);
  }
  expect(imageOf(serviceNamed('client')).dockerfile).toBe('client/Dockerfile');
});

describe.each(SERVICES)('the $name image', (service) => {
  const { dir, port } = service;
  const { dockerfile, buildArgs } = imageOf(service);
  const stages = stagesOf(dockerfile, buildArgs);
  const runtime = stages.at(-1)!;

  test('builds on a pinned Node 24 base and ends with a runtime stage', () => {
    for (const s of stages.filter((x) => !x.parent)) expect(s.from).toMatch(/^node:24\.\d+(\.\d+)?-[a-z]+(-slim)?$/);
    expect(runtime.name).toBe('runtime');
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(['build', 'dev', 'runtime']));
  });

  test('runs as the non-root uid the manifests expect, on the service port', () => {
    expect(lines(runtime)).toContain('USER 10001:10001');
    expect(lines(runtime)).toContain(`EXPOSE ${port}`);
  });

  test('ships compiled output and production dependencies only', () => {
    const cmdLine = runtime.instructions.find((i) => i.instruction === 'CMD')!;
    const cmd = JSON.parse(cmdLine.args) as string[];
    expect(cmd[0]).toBe('node');
    expect(cmd.join(' ')).not.toMatch(/tsx|ts-node|next dev|--watch/);
    const installs = lines(runtime).filter((l) => /npm (ci|install)/.test(l));
    for (const i of installs) expect(i).toMatch(/--omit=dev/);
    const entry = path.posix.resolve(cmdLine.workdir, cmd[1]!);
    if (service.kind === 'next') {
      expect(entry).toBe(`/app/${dir}/server.js`);
    } else {
      expect(entry).toBe(`/app/${dir}/dist/index.js`);
      expect(lines(runtime)).toEqual(expect.arrayContaining([`COPY --from=build /repo/${dir}/dist ${dir}/dist`, 'COPY --from=build /repo/common/dist common/dist']));
    }
    if (existsSync(path.join(ROOT, dir, 'migrations'))) {
      expect(lines(runtime)).toEqual(expect.arrayContaining([`COPY --from=build /repo/${dir}/migrations ${dir}/migrations`, 'COPY --from=build /repo/common/migrations common/migrations']));
    }
  });

  test('copies only files that exist in the build context', () => {
    for (const copy of stages.flatMap((s) => s.instructions).filter((i) => i.instruction === 'COPY')) {
      const { from, sources } = parseCopy(copy.args);
      if (from) continue;
      for (const src of sources) expect({ src, found: matchSources(ROOT, src).length > 0 }).toEqual({ src, found: true });
    }
  });
});

describe('skaffold.yaml', () => {
  const config = parse(readFileSync(path.join(ROOT, 'skaffold.yaml'), 'utf8'));
  type Artifact = { image: string; context: string; docker: { dockerfile: string; buildArgs?: Record<string, string>; target?: string }; sync?: { manual: { src: string }[] } };
  /** The service an artifact builds, and what the table says its build is. */
  const expected = (a: Artifact) => imageOf(serviceNamed(a.image.replace(/^ticketing\//, '')));

  test('uses the current schema and builds one artifact per service from the repository root, as the table says', () => {
    expect(config.apiVersion).toBe('skaffold/v4beta13');
    const artifacts = config.build.artifacts as Artifact[];
    expect(artifacts.map((a) => a.image).sort()).toEqual(SERVICES.map((s) => imageOf(s).image).sort());
    for (const a of artifacts) {
      expect(a.context).toBe('.');
      expect({ dockerfile: a.docker.dockerfile, buildArgs: a.docker.buildArgs ?? {} }).toEqual({ dockerfile: expected(a).dockerfile, buildArgs: expected(a).buildArgs });
      expect(existsSync(path.join(ROOT, a.docker.dockerfile))).toBe(true);
    }
    expect(config.manifests.kustomize.paths).toEqual(['infra/k8s/overlays/dev']);
  });

  test('skaffold dev builds the dev stages and syncs sources that exist', () => {
    const dev = config.profiles.find((p: { name: string }) => p.name === 'dev');
    expect(dev.activation).toEqual([{ command: 'dev' }]);
    expect((dev.build.artifacts as Artifact[]).map((a) => a.image).sort()).toEqual(SERVICES.map((s) => imageOf(s).image).sort());
    for (const a of dev.build.artifacts as Artifact[]) {
      expect(a.docker.target).toBe('dev');
      expect({ dockerfile: a.docker.dockerfile, buildArgs: a.docker.buildArgs ?? {} }).toEqual({ dockerfile: expected(a).dockerfile, buildArgs: expected(a).buildArgs });
      expect(stagesOf(a.docker.dockerfile, a.docker.buildArgs ?? {}).map((s) => s.name)).toContain('dev');
      for (const rule of a.sync!.manual) expect(existsSync(path.join(ROOT, rule.src.split('/**')[0]!))).toBe(true);
    }
    expect(existsSync(path.join(ROOT, dev.manifests.kustomize.paths[0], 'kustomization.yaml'))).toBe(true);
  });

  test('forwards each service on its port', () => {
    const forwards = config.portForward as { resourceName: string; port: number; localPort: number }[];
    expect(forwards.map((f) => f.resourceName).sort()).toEqual(SERVICES.map((s) => s.name).sort());
    for (const f of forwards) expect({ name: f.resourceName, port: f.port, localPort: f.localPort }).toEqual({ name: f.resourceName, port: serviceNamed(f.resourceName).port, localPort: serviceNamed(f.resourceName).port });
  });

  test('the prod profile renders the prod overlay', () => {
    const prod = config.profiles.find((p: { name: string }) => p.name === 'prod');
    expect(prod.manifests.kustomize.paths).toEqual(['infra/k8s/overlays/prod']);
  });
});
