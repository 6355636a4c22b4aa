import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { SiteHeader } from '@/components/site-header';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Ticketing', template: '%s · Ticketing' },
  description: 'Buy and sell tickets for concerts, sports and theatre. Held for you while you pay; never sold twice.',
};

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#0f1115' },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <SiteHeader />
        <main id="main" className="container main">
          {children}
        </main>
        <footer className="site-footer">
          <div className="container">Ticketing · a resale marketplace where a ticket is never sold twice</div>
        </footer>
      </body>
    </html>
  );
}
