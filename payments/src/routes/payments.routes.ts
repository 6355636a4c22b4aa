import { Router } from 'express';
import { body } from 'express-validator';
import { centsToPrice, isUuid, requireAuth, userOf, validateRequest } from '@ticketing/common';
import { receiptOfOrder } from '../domain/receipt';
import type { Payment } from '../domain/take-payment';
import { takePayment, type PaymentsDeps } from '../domain/take-payment';

/** docs/api.md "payments": amounts leave as decimals; inside they are cents. */
export function paymentJson(p: Payment) {
  return { id: p.id, orderId: p.orderId, amount: centsToPrice(p.amountCents), status: 'succeeded' as const };
}

export function paymentsRouter(deps: PaymentsDeps): Router {
  const router = Router();

  router.post(
    '/api/payments',
    requireAuth,
    body('orderId').custom(isUuid).withMessage('orderId must be an order id (a UUID)'),
    body('token')
      .isString()
      .withMessage('token must be a payment method token from the payment provider')
      .bail()
      .trim()
      .isLength({ min: 1, max: 255 })
      .withMessage('token must be a payment method token from the payment provider'),
    validateRequest,
    async (req, res) => {
      const payment = await takePayment(deps, {
        userId: userOf(req).id,
        orderId: req.body.orderId as string,
        token: req.body.token as string,
      });
      res.status(201).json(paymentJson(payment));
    },
  );

  // The buyer's receipt (docs/services/payments.md "Receipt"): 401 signed out, 404 unknown or non-UUID, 403 not theirs.
  router.get('/api/payments', requireAuth, async (req, res) => {
    const payments = await receiptOfOrder(deps.pool, userOf(req).id, req.query.orderId);
    res.status(200).json({ payments });
  });

  return router;
}
