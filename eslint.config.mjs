import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { SERVICES } from './scripts/services.cjs';

// Import boundaries (docs/conventions.md). Each message names the rule it enforces, so a failing `npm run lint` says
// which boundary was crossed. Services come from the service table: a new service is checked from its first line.
const BOUNDARY = {
  services: 'services never import each other: go through events and @ticketing/common',
  commonByPath: 'a service imports common as @ticketing/common, never its files by path',
  routesToData: "routes never import data/ directly: go through the service's domain/",
  commonToServices: 'common never imports a service: services depend on common, not the other way round',
  upward: 'nothing imports upward: domain/ never imports routes/ or events/, data/ imports none of domain/, routes/, events/',
};

/** Specifiers that reach these packages: by name (@ticketing/orders...) or by a relative path into their sources. */
const reaching = (dirs) => `^(?:@ticketing/(?:${dirs.join('|')})(?:/.*)?|(?:\\.\\./)+(?:${dirs.join('|')})/(?:src|test)(?:/.*)?)$`;
const DATA = '^(?:\\.{1,2}/)+(?:[^/]+/)*data(?:/.*)?$';
/** A relative specifier into one of these layer folders of the service. */
const layer = (names) => `^(?:\\.{1,2}/)+(?:[^/]+/)*(?:${names.join('|')})(?:/.*)?$`;

function importBoundaries() {
  const dirs = SERVICES.map((s) => s.dir);
  const restrict = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });
  return [
    restrict(['common/**'], [{ regex: reaching(dirs), message: BOUNDARY.commonToServices }]),
    ...dirs.flatMap((dir) => {
      const own = [
        { regex: reaching(dirs.filter((d) => d !== dir)), message: BOUNDARY.services },
        { regex: '^(?:\\.\\./)+common/(?:src|test)(?:/.*)?$', message: BOUNDARY.commonByPath },
      ];
      // One rule per file: a later block replaces an earlier one's patterns, so the routes' block repeats them.
      const routes = `${dir}/src/routes/**`;
      return [
        restrict([`${dir}/**`], own),
        restrict([routes], [...own, { regex: DATA, message: BOUNDARY.routesToData }]),
        restrict([`${dir}/src/domain/**`], [...own, { regex: layer(['routes', 'events']), message: BOUNDARY.upward }]),
        restrict([`${dir}/src/data/**`], [...own, { regex: layer(['domain', 'routes', 'events']), message: BOUNDARY.upward }]),
      ];
    }),
  ];
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.next/**', 'client/next-env.d.ts', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['scripts/**', 'bench/**', '**/*.mjs', '**/*.js', '**/*.cjs'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  ...importBoundaries(),
);
