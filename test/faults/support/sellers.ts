import type { ApiClient, Answer, User } from './client';
import { newBarcode, respell, ticketPdf } from './items';
import { createListing, type Listing } from './market';

// The sellers' side of delivery, through PUT /api/tickets/:id/item: an `instant` listing gets every ticket's item right
// after it is created (a PDF with its barcode, or a barcode alone) and goes on sale; a `later` listing's seller uploads
// the sold tickets' items after the sale (most at once, some after a while), some sellers upload before any sale, and
// the sellers of one event never deliver (its deadline falls inside the run: the buyers must be refunded). Now and
// then someone lists a barcode that is already on sale, spelled differently: tickets must refuse it (409).

/** What happens to the items of one `later` sale. */
export type DeliveryFate = 'at-once' | 'delayed' | 'no-show';

export interface SellerStats {
  itemsAttached: { pdf: number; barcode: number };
  /** Uploads that never got a final answer (5xx or a cut connection for as long as a seller keeps retrying). */
  uploadsGivenUp: number;
  instantListings: { onSale: number; leftPending: number };
  laterListingsStockedBeforeSale: number;
  laterSales: Record<string, number>;
  /** A barcode already on sale, listed again by someone: refused (409) as it must be, or accepted (a double sale). */
  duplicateBarcodes: { refused: number; accepted: number; other: number };
}

/** How long a seller keeps retrying an upload that fails for the platform's reasons (5xx, refused connections). */
const UPLOAD_PERSISTENCE_MS = 45_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const randomOf = <T>(items: T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

export class Sellers {
  /** Ticket id → the barcode attached to it (answered 200). */
  private readonly barcodes = new Map<string, string>();
  /** Tickets whose barcode is certainly still on sale or sold: candidates for a fraudster's copy. */
  private readonly onSale: { ticketId: string; listing: Listing }[] = [];
  private uploadsGivenUp = 0;
  private readonly pdfs = { pdf: 0, barcode: 0 };
  private readonly instant = { onSale: 0, leftPending: 0 };
  private stockedBeforeSale = 0;
  private readonly laterSales = new Map<DeliveryFate, number>();
  private readonly duplicates = { refused: 0, accepted: 0, other: 0 };

  constructor(
    private readonly api: ApiClient,
    /** The event whose sellers never deliver (its deadline falls inside the run). */
    private readonly noShowEventId: () => string | undefined,
  ) {}

  stats(): SellerStats {
    return {
      itemsAttached: { ...this.pdfs },
      uploadsGivenUp: this.uploadsGivenUp,
      instantListings: { ...this.instant },
      laterListingsStockedBeforeSale: this.stockedBeforeSale,
      laterSales: Object.fromEntries(this.laterSales),
      duplicateBarcodes: { ...this.duplicates },
    };
  }

  hasItem(ticketId: string): boolean {
    return this.barcodes.has(ticketId);
  }

  /**
   * PUT /api/tickets/:id/item with a new barcode (on a PDF half the time), retried while the platform fails (as a
   * seller's page would); resolves with the final answer's status.
   */
  async attach(listing: Listing, ticket: { id: string; seat: string | null }, barcode = newBarcode()): Promise<number | undefined> {
    const withPdf = Math.random() < 0.5;
    const upload = (): Promise<Answer | undefined> =>
      withPdf
        ? this.api.call('tickets', 'PUT', '/api/tickets/:id/item (pdf)', `/api/tickets/${ticket.id}/item`, {
            user: listing.seller,
            form: () => {
              const form = new FormData();
              form.append('barcode', barcode);
              form.append('file', new Blob([new Uint8Array(ticketPdf(barcode, ticket.seat))], { type: 'application/pdf' }), `ticket-${ticket.seat ?? 'ga'}.pdf`);
              return form;
            },
          })
        : this.api.call('tickets', 'PUT', '/api/tickets/:id/item (barcode)', `/api/tickets/${ticket.id}/item`, { user: listing.seller, body: { barcode } });
    const giveUpAt = Date.now() + UPLOAD_PERSISTENCE_MS;
    for (;;) {
      const res = await upload();
      if (res && res.status < 500) {
        if (res.status === 200) {
          this.barcodes.set(ticket.id, barcode);
          this.pdfs[withPdf ? 'pdf' : 'barcode']++;
          if (!listing.withdrawn && listing.eventId !== this.noShowEventId()) this.onSale.push({ ticketId: ticket.id, listing });
        }
        return res.status;
      }
      if (Date.now() > giveUpAt) {
        this.uploadsGivenUp++;
        return res?.status;
      }
      await sleep(300 + Math.random() * 300);
    }
  }

  /** Every ticket's item, one row of the sell page each (uploaded together); true when all were attached. */
  async stock(listing: Listing): Promise<boolean> {
    const statuses = await Promise.all(listing.tickets.filter((t) => !this.hasItem(t.id)).map((t) => this.attach(listing, t)));
    const complete = statuses.every((s) => s === 200);
    if (listing.delivery === 'instant') this.instant[complete ? 'onSale' : 'leftPending']++;
    else this.stockedBeforeSale++;
    return complete;
  }

  /**
   * After a `later` sale (the buyer paid, or tried to: a charge a killed replica left may still complete the order), the
   * seller uploads the items its order's tickets lack: at once, or a few seconds later (the delivery is then pending
   * for a while), or never (the no-show event).
   */
  async deliver(listing: Listing, tickets: { id: string; seat: string | null }[]): Promise<void> {
    if (listing.delivery !== 'later') return;
    const fate: DeliveryFate = listing.eventId === this.noShowEventId() ? 'no-show' : Math.random() < 0.75 ? 'at-once' : 'delayed';
    this.laterSales.set(fate, (this.laterSales.get(fate) ?? 0) + 1);
    if (fate === 'no-show') return;
    if (fate === 'delayed') await sleep(1000 + Math.random() * 3000);
    await Promise.all(tickets.filter((t) => !this.hasItem(t.id)).map((t) => this.attach(listing, t)));
  }

  /**
   * Someone lists one ticket `instant` and attaches a barcode that is already on sale, spelled another way: 409 is
   * the only right answer. Then a barcode of their own, so the listing goes on sale.
   */
  async tryDuplicate(seller: User, eventId: string): Promise<Listing | undefined> {
    const copied = randomOf(this.onSale.filter((c) => !c.listing.withdrawn));
    if (!copied) return undefined;
    const listing = await createListing(this.api, seller, eventId, 0, 'instant', true);
    if (!listing) return undefined;
    const status = await this.attach(listing, listing.tickets[0]!, respell(this.barcodes.get(copied.ticketId)!));
    if (status === 409) this.duplicates.refused++;
    else if (status === 200) this.duplicates.accepted++;
    else this.duplicates.other++;
    if (status === 200) return listing;
    return (await this.stock(listing)) ? listing : undefined;
  }
}
