import type { RequestHandler } from 'express';
import { validationResult } from 'express-validator';
import { ValidationError } from '../errors/errors';

/** Runs after express-validator chains: 400 naming each failing field, before any handler touches state. */
export const validateRequest: RequestHandler = (req, _res, next) => {
  const result = validationResult(req);
  if (!result.isEmpty()) {
    const seen = new Set<string>();
    const items = result
      .array()
      .map((e): { message: string; field?: string } => (e.type === 'field' ? { message: String(e.msg), field: e.path } : { message: String(e.msg) }))
      .filter((i) => {
        const key = i.field ?? i.message;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    throw new ValidationError(items);
  }
  next();
};

/** docs/api.md: a path id that is not a UUID is answered 404, not 400. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}
