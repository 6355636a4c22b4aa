/**
 * The import boundaries `npm run lint` enforces (eslint.config.mjs), shown on deliberate violations linted as files
 * of the repository: services never import each other, routes never import data/, common never imports a service.
 * Each violation's message names the rule it broke; code inside the boundaries passes.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, SERVICES } from './support/platform-runner';

const SERVICES_RULE = 'services never import each other: go through events and @ticketing/common';
const ROUTES_RULE = "routes never import data/ directly: go through the service's domain/";
const COMMON_RULE = 'common never imports a service: services depend on common, not the other way round';
const COMMON_BY_PATH_RULE = 'a service imports common as @ticketing/common, never its files by path';
const UPWARD_RULE = 'nothing imports upward';

interface Snippet {
  filePath: string;
  code: string;
}

/** The messages ESLint gives each snippet, linted as if it were the file at filePath. */
function lint(snippets: Snippet[]): { ruleId: string | null; message: string }[][] {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'test/support/lint-snippets.mjs')], { cwd: ROOT, input: JSON.stringify(snippets), encoding: 'utf8' });
  return JSON.parse(out) as { ruleId: string | null; message: string }[][];
}

const other = (name: string) => SERVICES.find((s) => s.name !== name)!.dir;

/** [what, file the snippet is linted as, what it imports, the rule it breaks (null: none), type-only import] */
type Case = [what: string, filePath: string, specifier: string, rule: string | null, typeOnly?: boolean];

const CASES: Case[] = [
  ...SERVICES.map((s): Case => [`${s.name} importing ${other(s.name)} by package name`, `${s.dir}/src/cross-service.ts`, `@ticketing/${other(s.name)}`, SERVICES_RULE]),
  ["tickets' route importing orders' domain by path", 'tickets/src/routes/cross-service.ts', '../../../orders/src/domain/orders', SERVICES_RULE],
  ["orders importing common's files by path", 'orders/src/domain/common-by-path.ts', '../../../common/src/index', COMMON_BY_PATH_RULE],
  ['a route importing data/', 'orders/src/routes/to-data.ts', '../data/orders.data', ROUTES_RULE],
  ["a route importing data/'s types", 'tickets/src/routes/to-data.ts', '../data/tickets.data', ROUTES_RULE, true],
  ['common importing a service by package name', 'common/src/bus/to-service.ts', '@ticketing/orders', COMMON_RULE],
  ['common importing a service by path', 'common/src/db/to-service.ts', '../../../payments/src/domain/payments', COMMON_RULE],
  ['a route going through domain/', 'orders/src/routes/inside.ts', '../domain/orders', null],
  ['a route importing @ticketing/common', 'orders/src/routes/inside.ts', '@ticketing/common', null],
  ['domain/ importing data/', 'orders/src/domain/inside.ts', '../data/orders.data', null],
  ['domain/ importing an inbound listener', 'orders/src/domain/upward.ts', '../events/consumers', UPWARD_RULE],
  ['domain/ importing routes/', 'tickets/src/domain/upward.ts', '../routes/first-page-cache', UPWARD_RULE, true],
  ['data/ importing domain/', 'payments/src/data/upward.ts', '../domain/refunds', UPWARD_RULE],
  ['events/ importing domain/', 'orders/src/events/inside.ts', '../domain/orders', null],
];

const snippet = ([, filePath, specifier, , typeOnly]: Case): Snippet => ({
  filePath,
  code: typeOnly ? `import type { X } from '${specifier}';\nexport type Y = X;\n` : `import { x } from '${specifier}';\nexport const y = x;\n`,
});

test('each boundary crossed fails lint with its rule named; code inside the boundaries passes', () => {
  const results = lint(CASES.map(snippet));
  expect(CASES.map(([what], i) => ({ what, messages: results[i] }))).toEqual(
    CASES.map(([what, , , rule]) => ({ what, messages: rule ? [{ ruleId: 'no-restricted-imports', message: expect.stringContaining(rule) }] : [] })),
  );
});
