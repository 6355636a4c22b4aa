import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { RUN_FROM_SOURCE_TSCONFIG, signedInUser } from '@ticketing/common/testing';
import { loadConfig } from '@ticketing/common';
import { configSchema } from '../src/config';
import { DatabaseItemStore } from '../src/items/database-item-store';
import type { ItemStore } from '../src/items/item-store';
import { parseItemKeys, type ItemKey } from '../src/items/item-keys';
import { rotateItemKeys } from '../src/items/rotate-item-keys';
import { quietLogger } from './events-support';
import { TEST_ITEM_KEY, binaryBody, itemKeyEnv, newBarcode, testItemSecrets, ticketPdf } from './item-support';
import { DEFAULT_RULES, createListingAs, seedEvent, ticketsApp, ticketsAppForFile } from './support';

const file = ticketsAppForFile();
const pool = () => file.db.pool;
const seller = signedInUser();

const keyText = (keys: ItemKey[]) => itemKeyEnv(keys).ITEM_ENCRYPTION_KEYS!;

test('ITEM_ENCRYPTION_KEYS / ITEM_FINGERPRINT_KEY: parsed, refused when malformed, required in production', () => {
  const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/t', JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----x' };
  const k2 = { id: 'k2', key: randomBytes(32) };
  const config = loadConfig(configSchema, { ...base, ...itemKeyEnv([k2, TEST_ITEM_KEY]) });
  expect(config.ITEM_ENCRYPTION_KEYS!.current.id).toBe('k2');
  expect([...config.ITEM_ENCRYPTION_KEYS!.byId.keys()]).toEqual(['k2', 'test1']);
  expect(config).toMatchObject({ ITEM_STORE: 'database', DELIVERY_CUTOFF_HOURS: 24, DELIVERY_SWEEP_INTERVAL_SECONDS: 30 });
  expect(loadConfig(configSchema, { ...base, DELIVERY_CUTOFF_HOURS: '0.001', DELIVERY_SWEEP_INTERVAL_SECONDS: '0.2' })).toMatchObject({
    DELIVERY_CUTOFF_HOURS: 0.001,
    DELIVERY_SWEEP_INTERVAL_SECONDS: 0.2,
  });
  expect(() => loadConfig(configSchema, { ...base, NODE_ENV: 'production' })).toThrow(/ITEM_ENCRYPTION_KEYS is missing[\s\S]*ITEM_FINGERPRINT_KEY is missing/);
  for (const bad of ['k1', 'k1:short', `k1:${randomBytes(31).toString('base64')}`, `bad id:${randomBytes(32).toString('base64')}`, `${keyText([TEST_ITEM_KEY])},${keyText([TEST_ITEM_KEY])}`]) {
    expect(typeof parseItemKeys(bad)).toBe('string');
    expect(() => loadConfig(configSchema, { ...base, ITEM_ENCRYPTION_KEYS: bad })).toThrow(/ITEM_ENCRYPTION_KEYS is invalid/);
  }
  expect(() => loadConfig(configSchema, { ...base, ITEM_FINGERPRINT_KEY: randomBytes(16).toString('base64') })).toThrow(/ITEM_FINGERPRINT_KEY is invalid/);
  expect(() => loadConfig(configSchema, { ...base, DELIVERY_CUTOFF_HOURS: '0' })).toThrow(/DELIVERY_CUTOFF_HOURS is invalid/);
});

test('rotation: a new key first, the old kept; every item re-sealed in batches, resumable, readable throughout and after the old key is dropped', async () => {
  const eventId = await seedEvent(pool());
  const oldApp = ticketsApp(pool());
  const l = await createListingAs(oldApp, seller, { eventId, seats: undefined, quantity: 25, price: 50, faceValue: 50 });
  const items = new Map<string, { barcode: string; pdf: Buffer | null }>();
  for (const [i, t] of l.tickets.entries()) {
    const barcode = newBarcode();
    const pdf = i % 5 === 0 ? await ticketPdf(barcode) : null;
    const req = request(oldApp).put(`/api/tickets/${t.id}/item`).set('Cookie', seller.cookie);
    await (pdf ? req.field('barcode', barcode).attach('file', pdf, 'x.pdf') : req.send({ barcode })).expect(200);
    items.set(t.id, { barcode, pdf });
  }
  const newKey: ItemKey = { id: 'k2', key: randomBytes(32) };
  const both = testItemSecrets([newKey, TEST_ITEM_KEY]);
  const readAll = async (app = ticketsApp(pool())) => {
    for (const [id, want] of items) {
      const res = await request(app).get(`/api/tickets/${id}/item?format=json`).set('Cookie', seller.cookie).expect(200);
      expect(res.body).toEqual({ barcode: want.barcode, hasPdf: want.pdf !== null });
    }
  };
  const keysInUse = async () => (await pool().query('SELECT key_id, count(*)::int AS n FROM ticket_items GROUP BY key_id ORDER BY key_id')).rows;

  // An interrupted run: the first batch done, the rest still under the old key, everything readable with both keys.
  const store = new DatabaseItemStore();
  const interrupted: ItemStore = {
    put: (db, id, item) => store.put(db, id, item),
    get: (db, id) => store.get(db, id),
    delete: (db, id) => store.delete(db, id),
    claimNotSealedWith: failingAfterFirstBatch(store),
  };
  await expect(rotateItemKeys({ pool: pool(), store: interrupted, keyring: both.keyring, logger: quietLogger, batchSize: 10 })).rejects.toThrow('interrupted');
  expect(await keysInUse()).toEqual([
    { key_id: 'k2', n: 10 },
    { key_id: 'test1', n: 15 },
  ]);
  const withBoth = ticketsApp(pool(), DEFAULT_RULES, both);
  await readAll(withBoth);

  // Resumed by the real script (npm run rotate-item-keys's entry, from source): the rest, in batches of 4.
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tickets/src/scripts/rotate-item-keys.ts'], {
    cwd: `${__dirname}/../..`,
    env: { PATH: process.env.PATH ?? '', TSX_TSCONFIG_PATH: RUN_FROM_SOURCE_TSCONFIG, DATABASE_URL: file.db.url, ITEM_ENCRYPTION_KEYS: keyText([newKey, TEST_ITEM_KEY]), ROTATION_BATCH_SIZE: '4' },
  });
  const progress = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg: string; resealed: number; stillUnderOldKeys?: number });
  expect(progress.filter((p) => p.msg.startsWith('ticket items re-sealed')).map((p) => p.resealed)).toEqual([4, 8, 12, 15]);
  expect(progress[progress.length - 1]).toMatchObject({ msg: 'rotation finished', resealed: 15, stillUnderOldKeys: 0 });
  expect(await keysInUse()).toEqual([{ key_id: 'k2', n: 25 }]);

  // The old key dropped: everything still opens, bytes and all.
  const newOnly = ticketsApp(pool(), DEFAULT_RULES, testItemSecrets([newKey]));
  await readAll(newOnly);
  const withPdf = [...items].find(([, v]) => v.pdf)!;
  const bytes = await request(newOnly).get(`/api/tickets/${withPdf[0]}/item`).set('Cookie', seller.cookie).buffer(true).parse(binaryBody).expect(200);
  expect(Buffer.compare(bytes.body as Buffer, withPdf[1].pdf!)).toBe(0);
  // …and without the new key nothing opens (500, nothing leaked).
  await request(ticketsApp(pool())).get(`/api/tickets/${withPdf[0]}/item`).set('Cookie', seller.cookie).expect(500);
});

/** The store's claim, failing on its second call: a rotation killed between batches. */
function failingAfterFirstBatch(store: DatabaseItemStore): DatabaseItemStore['claimNotSealedWith'] {
  let calls = 0;
  return (db, keyId, limit) => {
    calls += 1;
    if (calls > 1) return Promise.reject(new Error('interrupted'));
    return store.claimNotSealedWith(db, keyId, limit);
  };
}
