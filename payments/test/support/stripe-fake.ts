import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_DECLINING_TOKENS, TEST_SUCCEEDING_TOKENS } from '../../src/gateways/test-gateway';

/**
 * A local fake of the two Stripe endpoints payments uses (POST /v1/payment_intents, POST /v1/refunds), so tests run
 * the REAL Stripe SDK against it. It parses the form-encoded bodies the SDK sends, records every request, and keeps
 * Stripe's idempotency rules: a key replays its first response (success or card error) with Idempotent-Replayed;
 * the same key with other parameters is an idempotency_error (400); while the first request with a key is still
 * running, another one gets 409 idempotency_key_in_use (the SDK retries those).
 */

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  form: FormValue;
  raw: string;
  status: number;
  replayed: boolean;
}

export type FormValue = string | { [key: string]: FormValue };

export interface FakePaymentIntent {
  id: string;
  amount: number;
  currency: string;
  status: 'succeeded' | 'requires_payment_method';
  token: string;
  metadata: Record<string, string>;
  refundedBy?: string;
}

export interface StripeFake {
  host: string;
  port: number;
  requests: RecordedRequest[];
  /** Requests that arrived, answered or not yet (a request held by the latency counts at once). */
  received(): number;
  /** Every PaymentIntent created (one per distinct idempotent charge; declined ones included). */
  paymentIntents: FakePaymentIntent[];
  refunds: Array<{ id: string; paymentIntent: string; amount: number; idempotencyKey: string | undefined }>;
  /** The next n requests to `path` (default any) answer 503 without doing anything, as an outage would. */
  failNext(n: number, path?: string): void;
  /** Each payment intent request waits this long before answering (to make concurrent requests overlap). */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

/** 'a[b][0]=x' → { a: { b: { '0': 'x' } } }: the SDK's encoding of nested params (arrays as numbered keys). */
export function parseStripeForm(body: string): Record<string, FormValue> {
  const out: Record<string, FormValue> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split(/[[\]]+/).filter((p) => p !== '');
    let node = out;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else {
        const next = node[part];
        node = (typeof next === 'object' ? next : (node[part] = {})) as Record<string, FormValue>;
      }
    });
  }
  return out;
}

type Answer = { status: number; body: unknown };

const stripeError = (status: number, error: Record<string, unknown>): Answer => ({ status, body: { error } });
const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const get = (form: FormValue, ...path: string[]): string | undefined => {
  let node: FormValue | undefined = form;
  for (const p of path) node = typeof node === 'object' ? node[p] : undefined;
  return typeof node === 'string' ? node : undefined;
};

const DECLINE_CODES: Record<string, { code: string; decline_code: string }> = {
  tok_chargeDeclined: { code: 'card_declined', decline_code: 'generic_decline' },
  tok_chargeDeclinedInsufficientFunds: { code: 'card_declined', decline_code: 'insufficient_funds' },
  tok_chargeDeclinedExpiredCard: { code: 'expired_card', decline_code: 'expired_card' },
  tok_chargeDeclinedIncorrectCvc: { code: 'incorrect_cvc', decline_code: 'incorrect_cvc' },
  tok_chargeDeclinedProcessingError: { code: 'processing_error', decline_code: 'processing_error' },
};

const knownToken = (token: string) => token in TEST_DECLINING_TOKENS || (TEST_SUCCEEDING_TOKENS as readonly string[]).includes(token);

export async function startStripeFake(): Promise<StripeFake> {
  const requests: RecordedRequest[] = [];
  const paymentIntents: FakePaymentIntent[] = [];
  const refunds: StripeFake['refunds'] = [];
  const idempotent = new Map<string, { fingerprint: string; answer?: Answer }>();
  const failures: Array<{ path?: string }> = [];
  let latencyMs = 0;
  let receivedCount = 0;

  function createPaymentIntent(form: FormValue): Answer {
    const amount = Number(get(form, 'amount'));
    const currency = get(form, 'currency');
    const paymentMethod = get(form, 'payment_method');
    if (!Number.isInteger(amount) || amount < 50) return stripeError(400, { type: 'invalid_request_error', code: 'amount_too_small', param: 'amount', message: 'Amount must be at least $0.50 usd' });
    if (!currency) return stripeError(400, { type: 'invalid_request_error', code: 'parameter_missing', param: 'currency', message: 'Missing required param: currency.' });
    // Stripe's test PaymentMethods mirror its test tokens: pm_card_visa is tok_visa, pm_card_chargeDeclined tok_chargeDeclined.
    const token = paymentMethod?.startsWith('pm_card_') ? paymentMethod.replace(/^pm_card_/, 'tok_') : paymentMethod ? undefined : get(form, 'payment_method_data', 'card', 'token');
    if (paymentMethod && (!token || !knownToken(token))) {
      return stripeError(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'payment_method', message: `No such PaymentMethod: '${paymentMethod}'` });
    }
    if (get(form, 'payment_method_data', 'type') !== 'card' && !paymentMethod) {
      return stripeError(400, { type: 'invalid_request_error', code: 'parameter_missing', param: 'payment_method_data[card][token]', message: 'Missing required param: payment_method_data[card][token].' });
    }
    if (!token) {
      return stripeError(400, { type: 'invalid_request_error', code: 'parameter_missing', param: 'payment_method_data[card][token]', message: 'Missing required param: payment_method_data[card][token].' });
    }
    if (!knownToken(token)) {
      return stripeError(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'payment_method_data[card][token]', message: `No such token: '${token}'` });
    }
    const metadata = (typeof form === 'object' && typeof form.metadata === 'object' ? form.metadata : {}) as Record<string, string>;
    const declined = TEST_DECLINING_TOKENS[token];
    const intent: FakePaymentIntent = { id: newId('pi'), amount, currency, token, metadata, status: declined ? 'requires_payment_method' : 'succeeded' };
    paymentIntents.push(intent);
    const json = { id: intent.id, object: 'payment_intent', amount, currency, status: intent.status, metadata, livemode: false };
    if (declined) return stripeError(402, { type: 'card_error', ...DECLINE_CODES[token], message: declined, payment_intent: json });
    return { status: 200, body: { ...json, amount_received: amount, latest_charge: newId('ch') } };
  }

  function createRefund(form: FormValue, idempotencyKey: string | undefined): Answer {
    const piId = get(form, 'payment_intent');
    const intent = paymentIntents.find((p) => p.id === piId);
    if (!intent) return stripeError(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'payment_intent', message: `No such payment_intent: '${piId}'` });
    if (intent.status !== 'succeeded') return stripeError(400, { type: 'invalid_request_error', code: 'charge_not_refundable', message: 'This PaymentIntent has no successful charge to refund.' });
    if (intent.refundedBy) return stripeError(400, { type: 'invalid_request_error', code: 'charge_already_refunded', message: `Charge for ${intent.id} has already been refunded.` });
    const amount = get(form, 'amount') ? Number(get(form, 'amount')) : intent.amount;
    if (amount > intent.amount) return stripeError(400, { type: 'invalid_request_error', code: 'amount_too_large', param: 'amount', message: 'Refund amount is greater than the charge.' });
    const id = newId('re');
    intent.refundedBy = id;
    refunds.push({ id, paymentIntent: intent.id, amount, idempotencyKey });
    return { status: 200, body: { id, object: 'refund', amount, currency: intent.currency, payment_intent: intent.id, status: 'succeeded' } };
  }

  async function handle(req: IncomingMessage, raw: string, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    const authorization = req.headers.authorization;
    const form = parseStripeForm(raw);
    const record = (status: number, replayed = false) => requests.push({ method: req.method ?? '', path, idempotencyKey, authorization, form, raw, status, replayed });
    const send = (a: Answer, replayed = false) => {
      record(a.status, replayed);
      res.writeHead(a.status, { 'content-type': 'application/json', 'request-id': newId('req'), ...(replayed ? { 'idempotent-replayed': 'true' } : {}) });
      res.end(JSON.stringify(a.body));
    };

    const failureIndex = failures.findIndex((f) => !f.path || f.path === path);
    if (failureIndex !== -1) {
      failures.splice(failureIndex, 1);
      return send(stripeError(503, { type: 'api_error', message: 'The fake is simulating an outage.' }));
    }
    if (!authorization?.startsWith('Bearer sk_')) return send(stripeError(401, { type: 'authentication_error', message: 'Invalid API Key provided.' }));
    const operation = req.method === 'POST' && path === '/v1/payment_intents' ? createPaymentIntent : req.method === 'POST' && path === '/v1/refunds' ? createRefund : undefined;
    if (!operation) return send(stripeError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path}).` }));

    const fingerprint = `${req.method} ${path} ${raw}`;
    if (idempotencyKey) {
      const seen = idempotent.get(idempotencyKey);
      if (seen && seen.fingerprint !== fingerprint) {
        return send(
          stripeError(400, {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          }),
        );
      }
      if (seen && !seen.answer) {
        return send(stripeError(409, { type: 'invalid_request_error', code: 'idempotency_key_in_use', message: 'There is currently another in-progress request using this Idempotent Key. Please try again later.' }));
      }
      if (seen?.answer) return send(seen.answer, true);
      idempotent.set(idempotencyKey, { fingerprint });
    }
    if (latencyMs && path === '/v1/payment_intents') await new Promise((r) => setTimeout(r, latencyMs));
    const answer = operation(form, idempotencyKey);
    // Like Stripe: a result is saved once the endpoint ran, errors included; validation errors too (simpler, harmless here).
    if (idempotencyKey) idempotent.set(idempotencyKey, { fingerprint, answer });
    send(answer);
  }

  const server: Server = createServer((req, res) => {
    receivedCount++;
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      handle(req, raw, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'api_error', message: String(err) } }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    requests,
    received: () => receivedCount,
    paymentIntents,
    refunds,
    failNext: (n, path) => {
      for (let i = 0; i < n; i++) failures.push({ path });
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
