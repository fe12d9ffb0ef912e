/**
 * The stand-in's notion of time: wall time plus an offset tests can push forward, so TTL
 * expiry is tested without waiting five minutes.
 */
export interface Clock {
  /** Milliseconds since the epoch, as the stand-in sees it. */
  now(): number;
  /** Moves the stand-in's time forward (never back). */
  advance(ms: number): void;
}

/** A clock whose offset can be advanced and reset. */
export class ControllableClock implements Clock {
  private offset = 0;

  now(): number {
    return Date.now() + this.offset;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock.advance: expected a non-negative number of ms, got ${ms}`);
    this.offset += ms;
  }

  reset(): void {
    this.offset = 0;
  }
}
