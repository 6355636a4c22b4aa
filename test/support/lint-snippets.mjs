// Lints code snippets as if they were files of the repository, with ESLint's Node API and the project's
// eslint.config.mjs, and prints each snippet's messages as JSON. A child process of the test, because Jest's
// sandbox cannot load the ES-module config. stdin: [{ filePath (relative to the root), code }].
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { ESLint } from 'eslint';

const ROOT = path.resolve(import.meta.dirname, '../..');
const snippets = JSON.parse(await text(process.stdin));
const eslint = new ESLint({ cwd: ROOT });
const results = [];
for (const { filePath, code } of snippets) {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  results.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
}
process.stdout.write(JSON.stringify(results));
