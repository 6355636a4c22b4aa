// Turns the platform's interleaved process output into something a person can read: a coloured fixed-width name
// before every line, and pino's JSON lines as "time level msg key=val". With `json`, one JSON object per line instead.
import fs from 'node:fs';

const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const LEVEL_NUMBERS = Object.fromEntries(Object.entries(LEVELS).map(([n, l]) => [l, Number(n)]));
const NAME_COLORS = [36, 35, 33, 32, 34, 96, 95, 93, 92, 94];
const LEVEL_COLORS = { trace: 90, debug: 90, info: 32, warn: 33, error: 31, fatal: 41 };
const HIDDEN = new Set(['time', 'level', 'msg', 'pid', 'hostname', 'service', 'name', 'v']);

export const NAME_WIDTH = 10;

const paint = (on, code, text) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

function clock(time) {
  const date = time === undefined ? new Date() : new Date(time);
  if (Number.isNaN(date.getTime())) return String(time);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function value(v) {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (v === null || typeof v !== 'object') return String(v);
  return JSON.stringify(v);
}

/** pino-http's request objects (and the gateway's fields) as "GET /path → 200 3ms": what a reader wants. */
function requestSummary(entry) {
  if (typeof entry.method === 'string' && typeof entry.url === 'string' && entry.status !== undefined) {
    return { text: `${entry.method} ${entry.url} → ${entry.status}${typeof entry.durationMs === 'number' ? ` ${entry.durationMs}ms` : ''}`, keys: ['method', 'url', 'status', 'durationMs'] };
  }
  const parts = [];
  if (entry.req && typeof entry.req === 'object') parts.push(`${entry.req.method ?? ''} ${entry.req.url ?? ''}`.trim());
  if (entry.res && typeof entry.res === 'object' && entry.res.statusCode !== undefined) parts.push(`→ ${entry.res.statusCode}`);
  if (typeof entry.responseTime === 'number') parts.push(`${entry.responseTime}ms`);
  return { text: parts.join(' '), keys: ['req', 'res', 'responseTime'] };
}

/** One pino entry as text; the error stack, if any, on the lines after it. */
export function formatEntry(entry, color) {
  const level = typeof entry.level === 'number' ? (LEVELS[entry.level] ?? String(entry.level)) : String(entry.level ?? 'info');
  const head = [paint(color, 90, clock(entry.time)), paint(color, LEVEL_COLORS[level] ?? 0, level.toUpperCase().padEnd(5)), entry.msg ?? ''];
  const request = requestSummary(entry);
  if (request.text) head.push(request.text);
  const skip = new Set(request.text ? request.keys : []);
  let stack = '';
  for (const [key, v] of Object.entries(entry)) {
    if (HIDDEN.has(key) || skip.has(key) || v === undefined) continue;
    if ((key === 'err' || key === 'error') && v && typeof v === 'object') {
      head.push(paint(color, 31, `${key}=${value(v.message ?? v.type ?? v)}`));
      if (typeof v.stack === 'string') stack = `\n${v.stack.split('\n').slice(1).join('\n')}`;
      continue;
    }
    head.push(`${paint(color, 90, `${key}=`)}${value(v)}`);
  }
  return head.filter(Boolean).join(' ') + (stack && level !== 'info' ? paint(color, 90, stack) : '');
}

function parseJson(text) {
  if (!text.startsWith('{')) return undefined;
  try {
    const entry = JSON.parse(text);
    return entry && typeof entry === 'object' && !Array.isArray(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A place for every process's lines. `write(name, text, stream)` takes one raw line a process printed;
 * `event(name, level, msg, fields)` is the platform's (and the gateway's) own log.
 *   json: print JSON lines instead of text; color: ANSI colours; out: a function taking a chunk (default stdout);
 *   file: also append plain text to this file.
 */
export function createLogSink({ json = false, color = false, out = (s) => process.stdout.write(s), file } = {}) {
  const colors = new Map();
  const fileStream = file ? fs.createWriteStream(file, { flags: 'a' }) : undefined;
  const nameColor = (name) => {
    if (!colors.has(name)) colors.set(name, NAME_COLORS[colors.size % NAME_COLORS.length]);
    return colors.get(name);
  };
  const prefix = (name, on) => `${paint(on, nameColor(name), name.padEnd(NAME_WIDTH).slice(0, Math.max(NAME_WIDTH, name.length)))} | `;
  // out === null: the file only (the bench), so nothing is formatted for a console nobody reads.
  const emit = (name, entry, raw) => {
    if (out && json) {
      out(`${raw ?? JSON.stringify({ service: name, ...entry })}\n`);
    } else if (out) {
      const text = formatEntry(entry, color);
      out(text.split('\n').map((l) => prefix(name, color) + l).join('\n') + '\n');
    }
    if (fileStream) fileStream.write(formatEntry(entry, false).split('\n').map((l) => prefix(name, false) + l).join('\n') + '\n');
  };
  const plain = (name, text, stream) => {
    if (out && json) out(`${JSON.stringify({ time: new Date().toISOString(), level: stream === 'stderr' ? 50 : 30, service: name, msg: text })}\n`);
    else if (out) out(`${prefix(name, color)}${stream === 'stderr' && color ? paint(true, 91, text) : text}\n`);
    fileStream?.write(`${prefix(name, false)}${text}\n`);
  };
  return {
    write(name, text, stream = 'stdout') {
      const line = text.replace(/\s+$/, '');
      if (!line) return;
      const entry = parseJson(line);
      if (entry && ('msg' in entry || 'level' in entry)) emit(name, entry, entry.service ? line : undefined);
      else plain(name, line, stream);
    },
    event(name, level, msg, fields = {}) {
      emit(name, { time: new Date().toISOString(), level: LEVEL_NUMBERS[level] ?? 30, msg, ...fields });
    },
    close() {
      return new Promise((resolve) => (fileStream ? fileStream.end(resolve) : resolve()));
    },
  };
}

/** Splits a stream into lines and hands each one to `onLine`. */
export function forEachLine(stream, onLine) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    // A runaway line without newlines should not grow forever.
    if (rest.length > 1 << 20) {
      lines.push(rest);
      rest = '';
    }
    lines.forEach(onLine);
  });
  stream.on('end', () => rest && onLine(rest));
}
