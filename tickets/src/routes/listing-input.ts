import { body, type ValidationChain } from 'express-validator';
import { BadRequestError, DeliveryMethod, MAX_PRICE, MAX_TICKETS_PER_LISTING, SplitRule, isUuid, parsePriceToCents } from '@ticketing/common';
import type { ListingTermChanges, NewListing } from '../domain/listings.domain';

export const SECTION_MAX_LENGTH = 100;
export const ROW_MAX_LENGTH = 20;
export const SEAT_MAX_LENGTH = 20;

const priceMessage = (field: string) => `${field} must be a number greater than 0, at most ${MAX_PRICE}, with at most two decimal places`;
const SECTION_MESSAGE = `section must be text of 1 to ${SECTION_MAX_LENGTH} characters`;
const ROW_MESSAGE = `row must be text of at most ${ROW_MAX_LENGTH} characters, or null for none`;
const SEATS_MESSAGE = `seats must be a list of 1 to ${MAX_TICKETS_PER_LISTING} distinct seat labels, each 1 to ${SEAT_MAX_LENGTH} characters`;
const QUANTITY_MESSAGE = `quantity must be a whole number from 1 to ${MAX_TICKETS_PER_LISTING}`;
const SPLIT_MESSAGE = `split must be one of ${SplitRule.options.join(', ')}`;
const DELIVERY_MESSAGE = `delivery must be one of ${DeliveryMethod.options.join(', ')}`;

const price = (field: 'price' | 'faceValue') => body(field).custom((v) => parsePriceToCents(v) !== null).withMessage(priceMessage(field));
const section = () =>
  body('section').isString().withMessage(SECTION_MESSAGE).bail().trim().isLength({ min: 1, max: SECTION_MAX_LENGTH }).withMessage(SECTION_MESSAGE);
// A blank row is no row (forms send ''); null says so explicitly.
const row = () =>
  body('row').optional({ values: 'null' }).isString().withMessage(ROW_MESSAGE).bail().trim().isLength({ max: ROW_MAX_LENGTH }).withMessage(ROW_MESSAGE);
const split = () => body('split').isIn(SplitRule.options).withMessage(SPLIT_MESSAGE);

function validSeats(value: unknown): boolean {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_TICKETS_PER_LISTING) return false;
  const labels = value.map((s) => (typeof s === 'string' ? s.trim() : ''));
  return labels.every((s) => s.length >= 1 && s.length <= SEAT_MAX_LENGTH) && new Set(labels).size === labels.length;
}

/** POST /api/listings: every field checked at once, each failure naming its field. */
export const newListingChains: ValidationChain[] = [
  body('eventId').custom(isUuid).withMessage('eventId must be an event id (UUID)'),
  section(),
  row(),
  // optional() applies to a whole chain, so "exactly one of the two" is a chain of its own.
  body('seats')
    .custom((v, { req }) => (v === undefined) !== (req.body?.quantity === undefined))
    .withMessage('Send either seats (seat labels) or quantity (unnumbered tickets), not both'),
  body('seats')
    .optional()
    .custom(validSeats)
    .withMessage(SEATS_MESSAGE)
    // Sanitizers run even after a failed check: leave what is not a list of text as it is.
    .customSanitizer((seats: unknown) => (Array.isArray(seats) ? seats.map((s: unknown) => (typeof s === 'string' ? s.trim() : s)) : seats)),
  body('quantity')
    .optional()
    .custom((v) => Number.isInteger(v) && v >= 1 && v <= MAX_TICKETS_PER_LISTING)
    .withMessage(QUANTITY_MESSAGE),
  price('price'),
  price('faceValue'),
  split(),
  body('delivery').optional().isIn(DeliveryMethod.options).withMessage(DELIVERY_MESSAGE),
];

/** PUT /api/listings/:id: the same rules for what is sent; at least one field (listingChangesOf). */
export const listingChangeChains: ValidationChain[] = [section().optional(), row(), price('price').optional(), price('faceValue').optional(), split().optional()];

const rowOf = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The validated (and trimmed) body of POST as the domain takes it. */
export function newListingOf(b: Record<string, unknown>, sellerId: string): NewListing {
  const seats = (b.seats as string[] | undefined) ?? Array.from({ length: b.quantity as number }, () => null);
  return {
    eventId: (b.eventId as string).toLowerCase(),
    sellerId,
    section: b.section as string,
    row: rowOf(b.row),
    seats,
    priceCents: parsePriceToCents(b.price)!,
    faceValueCents: parsePriceToCents(b.faceValue)!,
    split: b.split as SplitRule,
    delivery: (b.delivery as DeliveryMethod | undefined) ?? 'later',
  };
}

const CHANGEABLE = ['price', 'faceValue', 'split', 'section', 'row'] as const;

/** The validated body of PUT as changes; 400 when it changes nothing. */
export function listingChangesOf(b: Record<string, unknown>): ListingTermChanges {
  if (!CHANGEABLE.some((f) => b[f] !== undefined)) throw new BadRequestError(`Send at least one field to change: ${CHANGEABLE.join(', ')}`);
  return {
    ...(b.section !== undefined && { section: b.section as string }),
    ...(b.row !== undefined && { row: rowOf(b.row) }),
    ...(b.price !== undefined && { priceCents: parsePriceToCents(b.price)! }),
    ...(b.faceValue !== undefined && { faceValueCents: parsePriceToCents(b.faceValue)! }),
    ...(b.split !== undefined && { split: b.split as SplitRule }),
  };
}
