// The demo a local platform starts with: an admin account and, on an empty catalogue, the demo catalogue
// (demo-catalogue.mjs); then a demo seller who lists tickets for most upcoming events (demo-listings.mjs), so a
// newcomer can buy at once. Made through the public API behind the gateway as a person would, once every process is
// ready. Never under NODE_ENV=production. A run that finds things already there leaves them alone, so every start
// after the first only signs the admin and the seller in.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEMO_ADMIN_EMAIL } from './plan.mjs';
import { demoEvents } from './demo-catalogue.mjs';
import { demoListings } from './demo-listings.mjs';

/** The demo seller, whose credentials live beside the admin's (demo-seller.json). */
export const DEMO_SELLER_EMAIL = 'seller@ticketing.test';
const SELLER_FILE = 'demo-seller.json';
/** A catalogue event reaches the tickets service's replica a moment after it is scheduled; wait at most this long. */
const EVENT_REPLICA_WAIT_MS = 30_000;

/** The services the demo talks to; without one of them there is nothing to seed. */
export const DEMO_NEEDS = ['auth', 'catalog'];

/** A reason the demo could not be made that a person can act on (the platform runs on without it). */
class DemoProblem extends Error {}

/** Why the demo is not made this time, or undefined when it is. */
export function demoSkipReason({ asked, env, running }) {
  if (!asked) return 'not asked for';
  if (env.NODE_ENV === 'production') return 'NODE_ENV=production';
  const missing = DEMO_NEEDS.filter((name) => !running.includes(name));
  if (missing.length) return `${missing.join(' and ')} not running`;
  return undefined;
}

function readDemoAccount(file) {
  const text = fs.readFileSync(file, 'utf8');
  let stored;
  try {
    stored = JSON.parse(text);
  } catch {
    stored = undefined;
  }
  if (typeof stored?.email !== 'string' || typeof stored?.password !== 'string') throw new DemoProblem(`${file} should hold {"email", "password"}; fix it, or delete it to have a new password made`);
  return { email: stored.email, password: stored.password };
}

/**
 * A demo account's e-mail and password: generated once into `file` (mode 0600, beside the session keys in the
 * git-ignored .keys/) and read back on every later start, so the printed credentials stay the same.
 */
export function loadOrCreateDemoAccount(file, email) {
  try {
    return { ...readDemoAccount(file), generated: false };
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  const account = { email, password: randomBytes(12).toString('base64url') };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written whole beside it, then linked into place: a parallel start never reads half a file, and only one wins.
  const staging = `${file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  fs.writeFileSync(staging, `${JSON.stringify(account, null, 2)}\n`, { mode: 0o600 });
  try {
    fs.linkSync(staging, file);
    return { ...account, generated: true };
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
    return { ...readDemoAccount(file), generated: false };
  } finally {
    fs.rmSync(staging, { force: true });
  }
}

export function loadOrCreateDemoAdmin(file) {
  return loadOrCreateDemoAccount(file, DEMO_ADMIN_EMAIL);
}

/** JSON requests to the gateway, carrying the session cookie once there is one. */
function apiClient(baseUrl, signal) {
  let cookie = '';
  return async (method, pathname, body) => {
    const res = await fetch(`${baseUrl}${pathname}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal,
    });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]);
    if (set.length) cookie = set.join('; ');
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json, text };
  };
}

const why = (res) => res.body?.errors?.map((e) => e.message).join('; ') ?? `HTTP ${res.status} ${res.text.slice(0, 200)}`;

/** Signs a demo account up, or in when it exists; resolves with whether it was new and the user auth answered. */
async function signInAccount(api, account, credentialsFile) {
  let res = await api('POST', '/api/users/signup', { email: account.email, password: account.password });
  const signedUp = res.status === 201;
  if (res.status === 409) res = await api('POST', '/api/users/signin', { email: account.email, password: account.password });
  if (res.status === 400 && !signedUp) {
    throw new DemoProblem(`${account.email} exists with another password than ${credentialsFile} holds (${why(res)}); put its password there, or drop the auth database`);
  }
  if (res.status !== 200 && res.status !== 201) throw new DemoProblem(`could not sign ${account.email} in: ${why(res)}`);
  return { signedUp, user: res.body };
}

/** Signs the admin up, or in when the account exists; the session must carry the admin role. */
async function signInAdmin(api, admin, credentialsFile) {
  const { signedUp, user } = await signInAccount(api, admin, credentialsFile);
  if (!user?.roles?.includes('admin')) throw new DemoProblem(`${admin.email} is not an admin (auth's ADMIN_EMAILS does not name it), so it cannot schedule events`);
  return signedUp;
}

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
});

/** POST /api/listings, retried while tickets has not learned of an event the catalogue scheduled moments ago. */
async function listOnceEventKnown(api, body, signal) {
  const deadline = Date.now() + EVENT_REPLICA_WAIT_MS;
  for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
    const res = await api('POST', '/api/listings', body);
    const unknownEvent = res.status === 400 && res.body?.errors?.some((e) => e.field === 'eventId');
    if (!unknownEvent || Date.now() > deadline) return res;
    await sleep(wait, signal);
  }
}

/**
 * An instant listing goes on sale once every ticket has its item: the demo gives each a made-up barcode (unique, as
 * the tickets service requires of every barcode on sale).
 */
async function attachDemoBarcodes(api, listing) {
  for (const ticket of listing.tickets) {
    const barcode = `DEMO-${randomBytes(6).toString('hex').toUpperCase()}`;
    const res = await api('PUT', `/api/tickets/${ticket.id}/item`, { barcode });
    if (res.status !== 200) throw new DemoProblem(`demo listings: the barcode of a ticket of listing ${listing.id} was refused: ${why(res)}`);
  }
}

/**
 * Lists the demo seller's tickets for the upcoming events, unless the seller already has listings (a start after the
 * first); resolves with how many it listed.
 */
async function seedListings(api, sellerId, signal, say) {
  const mine = await api('GET', `/api/listings?${new URLSearchParams({ sellerId, limit: '1' })}`);
  if (mine.status !== 200) throw new DemoProblem(`GET /api/listings answered ${why(mine)}`);
  if (mine.body.listings.length > 0) {
    say('demo listings: the demo seller has listings; left as they are');
    return { created: 0, kept: true };
  }
  const [terms, upcoming] = await Promise.all([api('GET', '/api/listings/terms'), api('GET', '/api/events?limit=100')]);
  if (terms.status !== 200) throw new DemoProblem(`GET /api/listings/terms answered ${why(terms)}`);
  if (upcoming.status !== 200) throw new DemoProblem(`GET /api/events answered ${why(upcoming)}`);
  let created = 0;
  for (const body of demoListings(scheduledByPeople(upcoming.body.events), terms.body.maxMarkupPercent)) {
    const res = await listOnceEventKnown(api, body, signal);
    if (res.status !== 201) throw new DemoProblem(`demo listings: a listing for event ${body.eventId} was refused after ${created}: ${why(res)}`);
    if (body.delivery === 'instant') await attachDemoBarcodes(api, res.body);
    created += 1;
  }
  say(`demo listings: ${created} listings from ${DEMO_SELLER_EMAIL}`);
  return { created, kept: false };
}

/**
 * The event an upgrade files the first version's tickets under (LEGACY_EVENT_ID in common/src/events/contracts.ts):
 * catalog creates it by itself when those listings arrive, so it says nothing about whether someone made a catalogue.
 */
const LEGACY_EVENT_ID = '00000000-0000-4000-8000-00000000e001';

/** The events of a page of GET /api/events that someone scheduled (not the upgrade's event for old tickets). */
export function scheduledByPeople(events) {
  return events.filter((e) => e.id !== LEGACY_EVENT_ID);
}

/** Schedules the demo catalogue unless browsing already shows an upcoming event; resolves with how many it made. */
async function seedCatalogue(api, today, say) {
  const existing = await api('GET', '/api/events?limit=2');
  if (existing.status !== 200) throw new DemoProblem(`GET /api/events answered ${why(existing)}`);
  if (scheduledByPeople(existing.body.events).length > 0) {
    say('demo catalogue: the catalogue has upcoming events; left as it is');
    return { created: 0, kept: true };
  }
  let created = 0;
  for (const event of demoEvents(today)) {
    const res = await api('POST', '/api/events', event);
    if (res.status !== 201) throw new DemoProblem(`demo catalogue: "${event.name}" was refused after ${created} events: ${why(res)}`);
    created += 1;
  }
  say(`demo catalogue: ${created} events`);
  return { created, kept: false };
}

/**
 * Makes the demo on a ready platform. Options: asked (boolean), env (the platform's environment), running (service
 * names), gatewayUrl, credentialsFile, today (Date, the catalogue's day), say(message, level), signal.
 * Resolves with { skipped } or { admin: {email, password, signedUp}, events: {created, kept}, seller?: {email, password,
 * signedUp}, listings?: {created, kept}, problem? } (seller and listings when tickets runs); a problem
 * (a refusal, a wrong stored password) is reported, not thrown: the platform runs on without its demo. Only an abort
 * rejects.
 */
export async function makeDemo({ asked, env, running, gatewayUrl, credentialsFile, today = new Date(), say = () => {}, signal }) {
  const skipped = demoSkipReason({ asked, env, running });
  if (skipped) {
    if (asked) say(`demo: skipped (${skipped})`);
    return { skipped };
  }
  const report = { admin: undefined, events: { created: 0, kept: false } };
  try {
    const stored = loadOrCreateDemoAdmin(credentialsFile);
    if (stored.generated) say(`demo: generated the admin's password into ${credentialsFile} (git-ignored)`);
    report.admin = { email: stored.email, password: stored.password, signedUp: false };
    const api = apiClient(gatewayUrl, signal);
    report.admin.signedUp = await signInAdmin(api, report.admin, credentialsFile);
    say(`demo: admin ${report.admin.email} ${report.admin.signedUp ? 'signed up' : 'signed in'}`);
    report.events = await seedCatalogue(api, today, say);
    if (!running.includes('tickets')) {
      say('demo listings: skipped (tickets not running)');
    } else {
      const sellerFile = path.join(path.dirname(credentialsFile), SELLER_FILE);
      const seller = loadOrCreateDemoAccount(sellerFile, DEMO_SELLER_EMAIL);
      if (seller.generated) say(`demo: generated the seller's password into ${sellerFile} (git-ignored)`);
      const sellerApi = apiClient(gatewayUrl, signal);
      const { signedUp, user } = await signInAccount(sellerApi, seller, sellerFile);
      report.seller = { email: seller.email, password: seller.password, signedUp };
      say(`demo: seller ${seller.email} ${signedUp ? 'signed up' : 'signed in'}`);
      report.listings = await seedListings(sellerApi, user.id, signal, say);
    }
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    report.problem = err instanceof DemoProblem ? err.message : err instanceof TypeError ? `the gateway did not answer: ${err.cause?.message ?? err.message}` : err.message;
    say(`demo: ${report.problem}`, 'warn');
  }
  return report;
}
