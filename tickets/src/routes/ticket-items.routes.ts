import { Router, type RequestHandler, type Response } from 'express';
import { NotFoundError, isUuid, requireAuth, userOf } from '@ticketing/common';
import { readItem, uploadItem, type ItemDeps, type ItemForReader } from '../domain/ticket-items.domain';
import { ITEM_UPLOAD, itemContentOf, readItemUpload } from './item-input';

const ticketIdParam: RequestHandler = (req, _res, next) => {
  if (!isUuid(req.params.id)) throw new NotFoundError('Ticket not found');
  next();
};

/** A seat label as a file name; the ticket's number when the label has characters a header should not carry. */
function fileNameOf(item: ItemForReader): string {
  const seat = item.seat && /^[A-Za-z0-9._-]+$/.test(item.seat) ? item.seat : String(item.position);
  return `ticket-${seat}.pdf`;
}

function sendItem(res: Response, item: ItemForReader, asJson: boolean): void {
  // An admission ticket: no cache, shared or private, keeps a copy.
  res.set('Cache-Control', 'private, no-store');
  if (asJson) {
    res.json({ barcode: item.barcode, hasPdf: item.pdf !== null });
  } else if (item.pdf) {
    res.set({ 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${fileNameOf(item)}"`, 'X-Content-Type-Options': 'nosniff' });
    res.send(item.pdf);
  } else {
    res.json({ barcode: item.barcode });
  }
}

/** PUT/GET /api/tickets/:id/item (docs/services/tickets.md "Ticket items"). */
export function ticketItemsRouter(deps: ItemDeps): Router {
  const router = Router();

  router.put(ITEM_UPLOAD.path, requireAuth, ticketIdParam, readItemUpload, async (req, res) => {
    const content = await itemContentOf(req.body, req.file);
    res.json(await uploadItem(deps, req.params.id as string, userOf(req).id, content));
  });

  router.get('/api/tickets/:id/item', requireAuth, ticketIdParam, async (req, res) => {
    const item = await readItem(deps, {
      ticketId: req.params.id as string,
      readerId: userOf(req).id,
      ip: req.ip ?? null,
      userAgent: req.get('user-agent') ?? null,
    });
    sendItem(res, item, req.query.format === 'json');
  });

  return router;
}
