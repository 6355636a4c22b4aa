#!/usr/bin/env node
// Writes the development overlay's secret files (git-ignored) once: an ES256 key pair for sessions and a random
// password per database. Re-running keeps existing files, so a running dev cluster keeps working.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'secrets');
mkdirSync(dir, { recursive: true, mode: 0o700 });
const write = (name, content) => {
  const file = path.join(dir, name);
  if (existsSync(file)) return;
  writeFileSync(file, content, { mode: 0o600 });
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
};
if (!existsSync(path.join(dir, 'jwt-private.pem'))) {
  const { publicKey, privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  write('jwt-private.pem', privateKey);
  write('jwt-public.pem', publicKey);
}
// Ticket items: AES-256-GCM keys (id:base64, the first one encrypts) and the barcode fingerprint's HMAC key.
write('ticket-items.env', `ITEM_ENCRYPTION_KEYS=dev1:${randomBytes(32).toString('base64')}\nITEM_FINGERPRINT_KEY=${randomBytes(32).toString('base64')}\n`);
for (const db of ['auth', 'tickets', 'orders', 'payments', 'catalog']) {
  write(`postgres-${db}.env`, `POSTGRES_PASSWORD=${randomBytes(18).toString('hex')}\n`);
}
