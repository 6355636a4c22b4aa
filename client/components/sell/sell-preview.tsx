import { buyableQuantities } from '@ticketing/common/market';
import type { FeeTerms, SplitRule } from '@/lib/api-types';
import { formatPrice, ticketsCount } from '@/lib/format';
import { fromCents, quote } from '@/lib/market';

interface SellPreviewProps {
  price: number | null;
  count: number;
  split: SplitRule;
  fees: FeeTerms | null;
}

/** What buyers pay (the smallest purchase the split allows, and everything) and what the seller receives. */
export function SellPreview({ price, count, split, fees }: SellPreviewProps) {
  if (!fees) return <p className="muted">The fees could not be loaded just now; they are shown to buyers at checkout.</p>;
  if (price === null || count < 1) {
    return (
      <p className="muted">
        Enter the tickets and a price to see what buyers pay and what you receive. Buyers pay a {fees.buyerFeePercent}% service fee on top
        of your price; {fees.sellerFeePercent}% is kept from what you receive.
      </p>
    );
  }
  const smallest = buyableQuantities(split, count)[0] ?? count;
  const one = quote(price, smallest, fees);
  const all = quote(price, count, fees);
  return (
    <dl className="sell-preview" aria-label="What buyers pay and what you receive">
      {smallest !== count && (
        <div>
          <dt>A buyer of {ticketsCount(smallest)} pays</dt>
          <dd data-testid="preview-smallest">
            {formatPrice(fromCents(one.totalCents))}
            <span className="fact-note">
              {smallest} × {formatPrice(price)} + {formatPrice(fromCents(one.buyerFeeCents))} service fee
            </span>
          </dd>
        </div>
      )}
      <div>
        <dt>A buyer of all {ticketsCount(count)} pays</dt>
        <dd data-testid="preview-all">
          {formatPrice(fromCents(all.totalCents))}
          <span className="fact-note">
            {count} × {formatPrice(price)} + {formatPrice(fromCents(all.buyerFeeCents))} service fee ({fees.buyerFeePercent}%)
          </span>
        </dd>
      </div>
      <div className="sell-preview-proceeds">
        <dt>You receive, when all sell</dt>
        <dd data-testid="preview-proceeds">
          {formatPrice(fromCents(all.sellerProceedsCents))}
          <span className="fact-note">
            {count} × {formatPrice(price)} − {formatPrice(fromCents(all.sellerFeeCents))} seller fee ({fees.sellerFeePercent}%), paid after the
            event
          </span>
        </dd>
      </div>
    </dl>
  );
}
