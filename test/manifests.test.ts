/**
 * The Kubernetes manifests, rendered offline with `kubectl kustomize` and checked against the code: every service and
 * the client are deployed; probes hit the health routes the services serve; resources and a locked-down security
 * context everywhere; every variable a service's config schema requires is provided; ports agree between the code,
 * the Service and the HTTPRoute; prod pins image tags. Objects are also validated against the Kubernetes schemas.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { BACKEND_SERVICES, SERVICES, serviceNamed } from './support/platform-runner';

const root = path.join(__dirname, '..');
const k8s = path.join(root, 'infra/k8s');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string> };

function render(overlay: string): { yaml: string; objects: K8sObject[] } {
  const yaml = execFileSync('kubectl', ['kustomize', path.join(k8s, 'overlays', overlay)], { encoding: 'utf8' });
  return { yaml, objects: parseAllDocuments(yaml).map((d) => d.toJS() as K8sObject) };
}

/** The service table's backend services, each with the module that holds its config schema. */
const BACKEND = BACKEND_SERVICES.map((s) => ({ ...s, config: `${s.dir}/src/config` }));

/** The zod object a service's config module exports (whatever it is called). */
function configSchemaOf(modulePath: string): z.ZodObject {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(root, modulePath)) as Record<string, unknown>;
  const schema = Object.values(mod).find((v): v is z.ZodObject => v instanceof z.ZodObject);
  if (!schema) throw new Error(`${modulePath} exports no zod object schema`);
  return schema;
}

function requiredVariables(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([name]) => name);
}

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const obj = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!obj) throw new Error(`no ${kind}/${name}`);
  return obj;
}

// The dev overlay generates its Secrets from git-ignored files; create them as a developer would. This runs when
// the file loads, because describe.each below renders the overlays while Jest collects the tests.
execFileSync(process.execPath, [path.join(k8s, 'overlays/dev/make-secrets.mjs')], { stdio: 'ignore' });

describe.each(['dev', 'prod'])('the %s overlay', (overlay) => {
  const { yaml, objects } = render(overlay);
  const configMap = find(objects, 'ConfigMap', 'ticketing-config');

  test('validates against the Kubernetes and Gateway API schemas', () => {
    const result = spawnSync(process.execPath, [path.join(k8s, 'validate-schemas.mjs')], { input: yaml, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test.each(SERVICES.map((s) => s.name))('%s runs with probes, resources and a locked-down security context', (name) => {
    const deployment = find(objects, 'Deployment', name);
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe(name);
    find(objects, 'ServiceAccount', name);
    const [container] = pod.containers;
    expect(container.image).toMatch(new RegExp(`^ticketing/${name}(:|$)`));
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    for (const kind of ['requests', 'limits']) expect(Object.keys(container.resources[kind]).sort()).toEqual(['cpu', 'memory']);
    const ready = serviceNamed(name).health;
    const live = name === 'client' ? '/' : '/healthz/live';
    expect(container.readinessProbe.httpGet).toEqual({ path: ready, port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: live, port: 'http' });
  });

  test.each(BACKEND)('$name gets every variable its config schema requires, and one port everywhere', ({ name, port, config }) => {
    const schema = configSchemaOf(config);
    const container = find(objects, 'Deployment', name).spec.template.spec.containers[0];
    const provided = new Set<string>([
      ...(container.env ?? []).map((e: { name: string }) => e.name),
      ...(container.envFrom?.some((f: { configMapRef?: { name: string } }) => f.configMapRef?.name === 'ticketing-config')
        ? Object.keys(configMap.data ?? {})
        : []),
    ]);
    const missing = requiredVariables(schema).filter((v) => !provided.has(v));
    expect(missing).toEqual([]);
    // Every provided variable the schema knows about must also be acceptable to it (no typos in names we rely on).
    const codePort = schema.shape.PORT ? (schema.shape.PORT as z.ZodType).parse(undefined) : undefined;
    expect(codePort).toBe(port);
    const portEnv = container.env.find((e: { name: string }) => e.name === 'PORT');
    expect(portEnv.value).toBe(String(port));
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    const service = find(objects, 'Service', name);
    expect(service.spec.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
    expect(service.spec.selector).toEqual(find(objects, 'Deployment', name).spec.selector.matchLabels);
  });

  test('the Gateway routes each API prefix to its service port, and the rest to the client', () => {
    const routes = objects.filter((o) => o.kind === 'HTTPRoute');
    const table = new Map<string, { name: string; port: number }>();
    for (const r of routes) {
      for (const rule of r.spec.rules) if (rule.backendRefs) table.set(rule.matches[0].path.value, rule.backendRefs[0]);
    }
    for (const s of BACKEND) for (const prefix of s.routes ?? []) expect(table.get(prefix)).toEqual({ name: s.name, port: s.port });
    expect(table.get('/')).toEqual({ name: 'client', port: serviceNamed('client').port });
    expect(find(objects, 'Gateway', 'ticketing').spec.gatewayClassName).toBe('eg');
  });

  test('every Secret a container reads exists here or is documented as created by hand', () => {
    const documented = readFileSync(path.join(root, 'docs/operations.md'), 'utf8');
    const secrets = new Set(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name.replace(/-[a-z0-9]{10}$/, '')));
    for (const o of objects.filter((x) => ['Deployment', 'StatefulSet'].includes(x.kind))) {
      for (const c of o.spec.template.spec.containers) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref || ref.optional) continue;
          const base = String(ref.name).replace(/-[a-z0-9]{10}$/, '');
          if (overlay === 'dev') expect(secrets).toContain(base);
          else expect(documented).toContain(base);
        }
      }
    }
  });
});

describe('the prod overlay', () => {
  const { objects } = render('prod');

  test('pins every image to a version (no :latest, no untagged image)', () => {
    const images = objects
      .filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind))
      .flatMap((o) => o.spec.template.spec.containers.map((c: { image: string }) => c.image));
    expect(images.length).toBeGreaterThan(6);
    for (const image of images) expect(image).toMatch(/:(?!latest$)[\w.-]+$/);
  });

  test('runs stateless services at least twice, autoscaled and protected by disruption budgets', () => {
    for (const { name } of SERVICES) {
      expect(find(objects, 'Deployment', name).spec.replicas).toBeGreaterThanOrEqual(2);
      find(objects, 'PodDisruptionBudget', name);
    }
    // What the gateway routes to scales with traffic; expiration (no route) does not.
    for (const { name } of SERVICES.filter((s) => s.routes)) {
      expect(find(objects, 'HorizontalPodAutoscaler', name).spec.minReplicas).toBeGreaterThanOrEqual(2);
    }
    expect(find(objects, 'StatefulSet', 'nats').spec.replicas).toBe(3);
  });

  test('serves HTTPS and only redirects plain HTTP (Secure session cookies need HTTPS)', () => {
    const listeners = find(objects, 'Gateway', 'ticketing').spec.listeners;
    expect(listeners.find((l: { name: string }) => l.name === 'https')).toMatchObject({ protocol: 'HTTPS', port: 443, tls: { mode: 'Terminate' } });
    for (const name of ['api', 'client']) expect(find(objects, 'HTTPRoute', name).spec.parentRefs).toEqual([{ name: 'ticketing', sectionName: 'https' }]);
    expect(find(objects, 'HTTPRoute', 'https-redirect').spec.rules[0].filters[0].requestRedirect.scheme).toBe('https');
  });

  test('denies traffic by default and lets each database accept only its own service', () => {
    expect(find(objects, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    for (const { name: db } of SERVICES.filter((s) => s.needs.includes('db'))) {
      const policy = find(objects, 'NetworkPolicy', `postgres-${db}-access`);
      expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': db } } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
    }
  });
});

test('the schema validator rejects a broken object', () => {
  const broken = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\nspec: { replicas: "two", selector: {}, template: {} }\n';
  const result = spawnSync(process.execPath, [path.join(k8s, 'validate-schemas.mjs')], { input: broken, encoding: 'utf8' });
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/Deployment\/x/);
});
