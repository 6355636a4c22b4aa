// The development session-signing key pair (ES256). Generated once into a git-ignored folder and reused, so sessions
// survive restarts. Only auth receives the private key.
import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';

const PRIVATE = 'jwt-private.pem';
const PUBLIC = 'jwt-public.pem';

function generate() {
  return generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

function read(dir) {
  try {
    return { privateKey: fs.readFileSync(path.join(dir, PRIVATE), 'utf8'), publicKey: fs.readFileSync(path.join(dir, PUBLIC), 'utf8') };
  } catch (err) {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  }
}

function writePair(dir, { privateKey, publicKey }) {
  fs.writeFileSync(path.join(dir, PRIVATE), privateKey, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, PUBLIC), publicKey, { mode: 0o600 });
}

/**
 * Returns { privateKey, publicKey, created }. Several runners may start at once (parallel test files): the pair is
 * written to a private folder that is then renamed into place, so nobody ever reads half a pair.
 */
export function loadOrCreateKeys(dir) {
  const existing = read(dir);
  if (existing) return { ...existing, created: false };
  const pair = generate();
  if (fs.existsSync(dir)) {
    // The folder exists without keys (made by hand): fill it in.
    writePair(dir, pair);
    return { ...pair, created: true };
  }
  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
  fs.mkdirSync(staging, { mode: 0o700 });
  writePair(staging, pair);
  try {
    fs.renameSync(staging, dir);
    return { ...pair, created: true };
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    const winner = read(dir); // another runner got there first
    if (!winner) throw err;
    return { ...winner, created: false };
  }
}

const ITEM_KEYS = 'item-keys.json';

/**
 * The development keys of ticket items (tickets: AES-256-GCM encryption, and the HMAC key of barcode fingerprints), in
 * the same git-ignored folder, generated once so items stay readable across restarts. Returns { encryptionKeys,
 * fingerprintKey, created } in the variables' formats (docs/operations.md). Parallel runners: the file is linked into
 * place, so one of them creates it and the others read the winner's.
 */
export function loadOrCreateItemKeys(dir) {
  const file = path.join(dir, ITEM_KEYS);
  const read = () => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    }
  };
  const existing = read();
  if (existing) return { ...existing, created: false };
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = { encryptionKeys: `dev1:${randomBytes(32).toString('base64')}`, fingerprintKey: randomBytes(32).toString('base64') };
  const staging = `${file}.tmp-${process.pid}-${Date.now()}`;
  fs.writeFileSync(staging, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  try {
    fs.linkSync(staging, file);
    return { ...keys, created: true };
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
    return { ...read(), created: false };
  } finally {
    fs.rmSync(staging, { force: true });
  }
}
