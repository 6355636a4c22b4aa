#!/usr/bin/env node
// Validates rendered Kubernetes objects against the Kubernetes and Gateway API OpenAPI schemas, offline
// (kubernetes-models ships them). Usage: kubectl kustomize infra/k8s/overlays/prod | node infra/k8s/validate-schemas.mjs
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const input = readFileSync(process.argv[2] ?? 0, 'utf8');
const objects = parseAllDocuments(input).map((d) => d.toJS()).filter(Boolean);

function modulePathFor(apiVersion) {
  if (apiVersion.startsWith('gateway.networking.k8s.io/')) return `@kubernetes-models/gateway-api/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

const problems = [];
for (const obj of objects) {
  const where = `${obj.kind}/${obj.metadata?.name}`;
  let mod;
  try {
    mod = await import(modulePathFor(obj.apiVersion));
  } catch {
    problems.push(`${where}: no schema for apiVersion ${obj.apiVersion}`);
    continue;
  }
  const Model = mod[obj.kind];
  if (!Model) {
    problems.push(`${where}: unknown kind ${obj.kind} in ${obj.apiVersion}`);
    continue;
  }
  // kustomize wraps long base64 values; the API server ignores the newlines (Go's base64 decoder does), the
  // schema's "byte" format does not.
  if (obj.kind === 'Secret' && obj.data) {
    obj.data = Object.fromEntries(Object.entries(obj.data).map(([k, v]) => [k, String(v).replace(/\s+/g, '')]));
  }
  try {
    new Model(obj).validate();
  } catch (err) {
    problems.push(`${where}: ${err.message}`);
  }
}
if (problems.length) {
  console.error(`${problems.length} invalid object(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`${objects.length} objects valid`);
