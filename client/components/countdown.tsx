'use client';

/** mm:ss (or h:mm:ss) left; the ticking text is not announced, only its label is read when focused. */
export function Countdown({ remainingMs, totalMs }: { remainingMs: number; totalMs: number }) {
  const seconds = Math.max(0, Math.ceil(remainingMs / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const text = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  const fraction = totalMs > 0 ? Math.min(1, Math.max(0, remainingMs / totalMs)) : 0;
  return (
    <div className={seconds <= 60 ? 'countdown countdown-urgent' : 'countdown'}>
      <span className="countdown-label" id="countdown-label">
        Held for you for
      </span>
      <span role="timer" aria-labelledby="countdown-label" className="countdown-value" data-testid="countdown">
        {text}
      </span>
      <span className="countdown-bar" aria-hidden="true">
        <span style={{ transform: `scaleX(${fraction})` }} />
      </span>
    </div>
  );
}

const pad = (n: number) => String(n).padStart(2, '0');
