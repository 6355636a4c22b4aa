'use client';

import { useEffect, useState } from 'react';
import { formatUtc } from '@/lib/format';

const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Renders UTC on the server (it cannot know the reader's zone), then the reader's local time once in the browser. */
export function LocalTime({ iso }: { iso: string }) {
  const [text, setText] = useState(() => formatUtc(iso));
  useEffect(() => setText(local.format(new Date(iso))), [iso]);
  return (
    <time dateTime={iso} title={formatUtc(iso)}>
      {text}
    </time>
  );
}
