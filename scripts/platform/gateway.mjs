// The local stand-in for the Kubernetes Gateway: one origin (http://localhost:3000) that routes by path prefix to the
// service that owns the path, and everything else to the client. Bodies stream both ways; headers (Set-Cookie
// included) pass through. Upstream down → 502, upstream silent too long → 504, both as the API's error JSON.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { SERVICES, GATEWAY_PORT, localPortOf } from '../services.cjs';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gateway API PathPrefix semantics: "/api/users" matches "/api/users" and "/api/users/x", not "/api/usersx". */
export function matchRoute(routes, url) {
  const path = (url ?? '/').split('?')[0];
  let best;
  for (const route of routes) {
    const p = route.prefix.replace(/\/+$/, '');
    const hit = p === '' || path === p || path.startsWith(`${p}/`);
    if (hit && (!best || p.length > best.prefix.replace(/\/+$/, '').length)) best = route;
  }
  return best;
}

function forwardedHeaders(req, requestId) {
  const connectionListed = new Set(String(req.headers.connection ?? '').toLowerCase().split(',').map((s) => s.trim()));
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name) && !connectionListed.has(name)) headers[name] = value;
  }
  const ip = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
  headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${ip}` : ip;
  // This is the edge: what the browser really used, not what a client claims (a claimed https would make cookies Secure).
  headers['x-forwarded-proto'] = req.socket.encrypted ? 'https' : 'http';
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  headers['x-request-id'] = requestId;
  return headers;
}

function responseHeaders(rawHeaders, requestId) {
  const out = [];
  let hasRequestId = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (HOP_BY_HOP.has(name)) continue;
    if (name === 'x-request-id') hasRequestId = true;
    out.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  if (!hasRequestId) out.push('x-request-id', requestId);
  return out;
}

function sendError(res, status, message, requestId) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [{ message }] });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-request-id': requestId });
  res.end(body);
}

/**
 * routes: [{ prefix, name, target }] where target is a base URL ("http://127.0.0.1:3001") or null when that
 * process is not running. log(entry) receives one object per request. Returns an unstarted http.Server.
 */
export function createGateway({ routes, timeoutMs = 60_000, log = (entry) => process.stdout.write(`${JSON.stringify(entry)}\n`) }) {
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 1000, timeout: 30_000 });

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const incomingId = req.headers['x-request-id'];
    const requestId = typeof incomingId === 'string' && SANE_REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    const route = matchRoute(routes, req.url);
    let outcome = '';
    res.on('close', () => {
      const status = res.headersSent ? res.statusCode : 499; // 499: the client went away first (nginx's convention)
      log({
        time: new Date().toISOString(),
        level: status >= 500 && outcome ? 40 : 30,
        service: 'gateway',
        msg: 'request',
        method: req.method,
        url: req.url,
        status,
        upstream: route?.name ?? null,
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
        requestId,
        ...(outcome ? { error: outcome } : {}),
      });
    });

    if (!route) return sendError(res, 404, 'Not found', requestId);
    if (!route.target) {
      outcome = `${route.name} is not running`;
      return sendError(res, 502, `${route.name} is not running`, requestId);
    }
    const target = new URL(route.target);
    const upstream = http.request({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: forwardedHeaders(req, requestId),
      agent,
    });
    upstream.setTimeout(timeoutMs, () => {
      outcome = `${route.name} did not answer within ${timeoutMs} ms`;
      upstream.destroy();
      sendError(res, 504, `${route.name} did not answer in time`, requestId);
    });
    upstream.on('response', (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, responseHeaders(upstreamRes.rawHeaders, requestId));
      upstreamRes.pipe(res);
      upstreamRes.on('error', () => res.destroy());
    });
    upstream.on('error', (err) => {
      if (outcome) return; // timed out: already answered
      outcome = `${route.name}: ${err.code ?? err.message}`;
      sendError(res, 502, `${route.name} is unavailable`, requestId);
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy(); // the browser went away: stop the upstream work too
    });
    req.pipe(upstream);
  });

  // WebSockets (Next.js dev's hot reload): hand the connection over after the upstream accepts the upgrade.
  server.on('upgrade', (req, socket, head) => {
    const route = matchRoute(routes, req.url);
    if (!route?.target) {
      socket.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const target = new URL(route.target);
    const headers = { ...forwardedHeaders(req, randomUUID()), connection: 'upgrade', upgrade: req.headers.upgrade };
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers });
    upstream.on('upgrade', (upstreamRes, upstreamSocket, upstreamHead) => {
      const lines = [`HTTP/1.1 ${upstreamRes.statusCode} ${upstreamRes.statusMessage}`];
      for (let i = 0; i < upstreamRes.rawHeaders.length; i += 2) lines.push(`${upstreamRes.rawHeaders[i]}: ${upstreamRes.rawHeaders[i + 1]}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (upstreamHead.length) socket.write(upstreamHead);
      if (head.length) upstreamSocket.write(head);
      upstreamSocket.pipe(socket).pipe(upstreamSocket);
      upstreamSocket.on('error', () => socket.destroy());
      socket.on('error', () => upstreamSocket.destroy());
    });
    upstream.on('response', (upstreamRes) => {
      socket.end(`HTTP/1.1 ${upstreamRes.statusCode} ${upstreamRes.statusMessage}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      upstreamRes.resume();
    });
    upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n'));
    socket.on('error', () => upstream.destroy());
    upstream.end();
  });

  server.on('close', () => agent.destroy());
  return server;
}

/** The gateway's routes for a set of running processes: { name → base URL }; a service absent from it answers 502. */
export function routesFor(targets, services = SERVICES) {
  return services.flatMap((s) => (s.routes ?? []).map((prefix) => ({ prefix, name: s.name, target: targets[s.name] ?? null })));
}

// `node scripts/platform/gateway.mjs`: the gateway alone, in front of services already running on their `npm start` ports.
// GATEWAY_ROUTES (JSON [{ prefix, name, target }]) and GATEWAY_TIMEOUT_MS override the defaults (test/gateway.test.ts).
if (import.meta.main) {
  const port = Number(process.env.PORT ?? GATEWAY_PORT);
  const targets = Object.fromEntries(SERVICES.map((s) => [s.name, `http://127.0.0.1:${localPortOf(s)}`]));
  const routes = process.env.GATEWAY_ROUTES ? JSON.parse(process.env.GATEWAY_ROUTES) : routesFor(targets);
  const timeoutMs = process.env.GATEWAY_TIMEOUT_MS ? Number(process.env.GATEWAY_TIMEOUT_MS) : undefined;
  const server = createGateway({ routes, timeoutMs });
  server.listen(port, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ msg: 'gateway listening', port: server.address().port })}\n`));
  const close = () => server.close(() => process.exit(0));
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
}
