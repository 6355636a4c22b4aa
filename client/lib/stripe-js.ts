/**
 * Stripe.js, loaded from js.stripe.com only when a publishable key is configured: Stripe requires it to be served
 * from its own domain (PCI), so it is the one external script the site ever loads. Typed to the few calls we use.
 */
export interface StripeCardElement {
  mount(target: HTMLElement): void;
  destroy(): void;
  focus(): void;
  on(event: 'change', handler: (e: { complete: boolean; error?: { message: string } }) => void): void;
}

export interface StripeJs {
  elements(): { create(type: 'card', options?: Record<string, unknown>): StripeCardElement };
  createToken(card: StripeCardElement): Promise<{ token?: { id: string }; error?: { message?: string } }>;
}

declare global {
  interface Window {
    Stripe?: (publishableKey: string) => StripeJs;
  }
}

export const STRIPE_JS_URL = 'https://js.stripe.com/v3/';

let loading: Promise<StripeJs> | null = null;

export function loadStripe(publishableKey: string): Promise<StripeJs> {
  loading ??= new Promise<(key: string) => StripeJs>((resolve, reject) => {
    if (window.Stripe) return resolve(window.Stripe);
    const script = document.createElement('script');
    script.src = STRIPE_JS_URL;
    script.async = true;
    script.onload = () => (window.Stripe ? resolve(window.Stripe) : reject(new Error('Stripe.js did not initialise')));
    script.onerror = () => reject(new Error('Stripe.js could not be loaded'));
    document.head.appendChild(script);
  })
    .then((factory) => factory(publishableKey))
    .catch((err: unknown) => {
      loading = null; // let a later attempt retry
      throw err;
    });
  return loading;
}
