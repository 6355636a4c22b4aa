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

interface Snippet {
  filePath: string;
  code: string;
}

/** The messages ESLint gives each snippet, linted as if it were the file at filePath. */
function lint(snippets: Snippet[]): { ruleId: string | null; message: string }[][] {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'test/support/lint-snippets.mjs')], { cwd: ROOT, input: JSON.stringify(snippets), encoding: 'utf8' });
  return JSON.parse(out) as { ruleId: string | null; message: string }[][];
}

/** One violation of one boundary: the rule fires once, with that boundary's message. */
const violation = (rule: string) => [{ ruleId: 'no-restricted-imports', message: expect.stringContaining(rule) as unknown as string }];

const other = (name: string) => SERVICES.find((s) => s.name !== name)!.dir;

const cases: { what: string; snippet: Snippet; expected: unknown }[] = [
  ...SERVICES.map((s) => ({
    what: `${s.name} importing ${other(s.name)} by package name`,
    snippet: { filePath: `${s.dir}/src/cross-service.ts`, code: `import { x } from '@ticketing/${other(s.name)}';\nexport const y = x;\n` },
    expected: violation(SERVICES_RULE),
  })),
  {
    what: "tickets' route importing orders' domain by path",
    snippet: { filePath: 'tickets/src/routes/cross-service.ts', code: "import { x } from '../../../orders/src/domain/orders';\nexport const y = x;\n" },
    expected: violation(SERVICES_RULE),
  },
  {
    what: "orders importing common's files by path",
    snippet: { filePath: 'orders/src/domain/common-by-path.ts', code: "import { x } from '../../../common/src/index';\nexport const y = x;\n" },
    expected: violation(COMMON_BY_PATH_RULE),
  },
  {
    what: 'a route importing data/',
    snippet: { filePath: 'orders/src/routes/to-data.ts', code: "import { insertOrder } from '../data/orders.data';\nexport const y = insertOrder;\n" },
    expected: violation(ROUTES_RULE),
  },
  {
    what: "a route importing data/'s types",
    snippet: { filePath: 'tickets/src/routes/to-data.ts', code: "import type { TicketRow } from '../data/tickets.data';\nexport type Y = TicketRow;\n" },
    expected: violation(ROUTES_RULE),
  },
  {
    what: 'common importing a service by package name',
    snippet: { filePath: 'common/src/bus/to-service.ts', code: "import { x } from '@ticketing/orders';\nexport const y = x;\n" },
    expected: violation(COMMON_RULE),
  },
  {
    what: 'common importing a service by path',
    snippet: { filePath: 'common/src/db/to-service.ts', code: "import { x } from '../../../payments/src/domain/payments';\nexport const y = x;\n" },
    expected: violation(COMMON_RULE),
  },
  {
    what: 'a route going through domain/, with @ticketing/common',
    snippet: { filePath: 'orders/src/routes/inside.ts', code: "import { x } from '../domain/orders';\nimport { AppError } from '@ticketing/common';\nexport const y = [x, AppError];\n" },
    expected: [],
  },
  {
    what: 'domain/ importing data/',
    snippet: { filePath: 'orders/src/domain/inside.ts', code: "import { insertOrder } from '../data/orders.data';\nexport const y = insertOrder;\n" },
    expected: [],
  },
];

test('each boundary crossed fails lint with its rule named; code inside the boundaries passes', () => {
  const results = lint(cases.map((c) => c.snippet));
  expect(cases.map((c, i) => ({ what: c.what, messages: results[i] }))).toEqual(cases.map((c) => ({ what: c.what, messages: c.expected })));
});
