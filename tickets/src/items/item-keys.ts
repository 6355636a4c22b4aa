import { createHash } from 'node:crypto';

/** One AES-256 key and the id stored with every item it seals. */
export interface ItemKey {
  id: string;
  key: Buffer;
}

/** The keys items are sealed with: the first seals, every one opens (rotation keeps old ones until re-sealed). */
export interface ItemKeyring {
  current: ItemKey;
  byId: Map<string, ItemKey>;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const ITEM_KEYS_FORMAT = 'keyId:base64 of 32 bytes, comma-separated, the first one encrypts (e.g. "k2:...,k1:...")';

/** Decodes strict base64 (Buffer.from ignores garbage, which would turn a typo into a weaker key). */
export function strictBase64(text: string): Buffer | null {
  const t = text.trim();
  if (!BASE64.test(t) || t.length % 4 !== 0) return null;
  return Buffer.from(t, 'base64');
}

/** `ITEM_ENCRYPTION_KEYS` → keyring, or the reason it is not one. */
export function parseItemKeys(text: string): ItemKeyring | string {
  const keys: ItemKey[] = [];
  for (const entry of text.split(',')) {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at).trim();
    if (at < 0 || !KEY_ID.test(id)) return `each key must be ${ITEM_KEYS_FORMAT}; key ids are 1–32 letters, digits, "_" or "-"`;
    const key = strictBase64(entry.slice(at + 1));
    if (!key || key.length !== 32) return `key ${id} must be base64 of exactly 32 bytes (openssl rand -base64 32)`;
    if (keys.some((k) => k.id === id)) return `key id ${id} appears twice`;
    keys.push({ id, key });
  }
  return keyringOf(keys);
}

export function keyringOf(keys: ItemKey[]): ItemKeyring {
  return { current: keys[0]!, byId: new Map(keys.map((k) => [k.id, k])) };
}

/**
 * Outside production, when no key is configured: keys derived from a fixed phrase, so items stay readable across
 * restarts of a developer's machine. Not secret; production refuses to start without real keys (config.ts).
 */
export function developmentItemSecrets(): { keyring: ItemKeyring; fingerprintKey: Buffer } {
  const derive = (label: string) => createHash('sha256').update(`ticketing development ${label} (not secret)`).digest();
  return { keyring: keyringOf([{ id: 'dev', key: derive('item key') }]), fingerprintKey: derive('fingerprint key') };
}
