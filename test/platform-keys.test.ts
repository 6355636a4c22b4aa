/**
 * npm start's development keys for ticket items (scripts/platform/keys.mjs): made once into the git-ignored .keys
 * folder, the same for every runner (parallel test files start platforms at once), in the formats tickets reads.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { callPlatformModule } from './support/platform-runner';

interface ItemKeys {
  encryptionKeys: string;
  fingerprintKey: string;
  created: boolean;
}

let dir: string;
beforeEach(() => {
  dir = path.join(mkdtempSync(path.join(tmpdir(), 'item-keys-')), '.keys');
});
afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

test('six runners at once: one creates the keys, all six get the same ones, readable only by their owner', async () => {
  const all = await Promise.all(Array.from({ length: 6 }, () => callPlatformModule<ItemKeys>('keys.mjs', 'loadOrCreateItemKeys', dir)));
  expect(all.filter((k) => k.created)).toHaveLength(1);
  expect(new Set(all.map((k) => `${k.encryptionKeys}|${k.fingerprintKey}`)).size).toBe(1);
  expect(statSync(path.join(dir, 'item-keys.json')).mode & 0o777).toBe(0o600);

  const [keyId, key] = all[0]!.encryptionKeys.split(':');
  expect(keyId).toMatch(/^[a-z0-9-]+$/);
  expect(Buffer.from(key!, 'base64')).toHaveLength(32);
  expect(Buffer.from(all[0]!.fingerprintKey, 'base64')).toHaveLength(32);

  const later = await callPlatformModule<ItemKeys>('keys.mjs', 'loadOrCreateItemKeys', dir);
  expect(later).toEqual({ ...all[0], created: false });
});
