import { Router } from 'express';
import { matchedData } from 'express-validator';
import { BadRequestError, requireRole, validateRequest, type Pool } from '@ticketing/common';
import { encodeCursor } from '../domain/event-cursor';
import { browse, cancelEvent, editEvent, getEvent, scheduleEvent, type EventInput } from '../domain/events';
import { eventIdParam } from './event-id-param';
import { changesSomething, editOnlyChains, eventChangesOf, eventFieldChains } from './event-input';
import { parseEventListQuery } from './event-list-query';
import { toEventResponse } from './event-response';

const admin = requireRole('admin');

export function eventsRouter({ pool }: { pool: Pool }): Router {
  const router = Router();

  router.get('/api/events', async (req, res) => {
    const page = await browse(pool, parseEventListQuery(req.query));
    res.json({ events: page.events.map(toEventResponse), nextCursor: page.next ? encodeCursor(page.next) : null });
  });

  router.get('/api/events/:id', eventIdParam, async (req, res) => {
    res.json(toEventResponse(await getEvent(pool, req.params.id as string)));
  });

  router.post('/api/events', admin, ...eventFieldChains(true), validateRequest, async (req, res) => {
    const input = eventChangesOf(matchedData(req, { locations: ['body'] })) as EventInput;
    res.status(201).json(toEventResponse(await scheduleEvent(pool, input)));
  });

  router.put('/api/events/:id', admin, eventIdParam, ...eventFieldChains(false), ...editOnlyChains, validateRequest, async (req, res) => {
    const data = matchedData(req, { locations: ['body'] });
    const changes = eventChangesOf(data);
    if (!changesSomething(changes)) throw new BadRequestError('Send at least one field to change: name, category, venue, timeZone, startsAt');
    res.json(toEventResponse(await editEvent(pool, req.params.id as string, changes, data.version as number | undefined)));
  });

  router.post('/api/events/:id/cancel', admin, eventIdParam, async (req, res) => {
    res.json(toEventResponse(await cancelEvent(pool, req.params.id as string)));
  });

  return router;
}
