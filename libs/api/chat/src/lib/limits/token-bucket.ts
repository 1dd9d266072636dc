/**
 * A token bucket: holds up to `capacity`, refilled continuously at `capacity` per minute. `take` spends when enough is
 * there; `charge` spends regardless (tokens counted after a call may overdraw it, delaying the next calls).
 */
export class TokenBucket {
  private level: number;
  private at: number;

  constructor(
    private capacity: number,
    now = Date.now(),
  ) {
    this.level = capacity;
    this.at = now;
  }

  resize(capacity: number): void {
    this.capacity = capacity;
    this.level = Math.min(this.level, capacity);
  }

  private refill(now: number): void {
    this.level = Math.min(this.capacity, this.level + ((now - this.at) * this.capacity) / 60_000);
    this.at = now;
  }

  /** Milliseconds until `amount` is available (0 = now); never spends. */
  waitFor(amount: number, now = Date.now()): number {
    this.refill(now);
    if (this.level >= amount) return 0;
    return Math.ceil(((amount - this.level) * 60_000) / this.capacity);
  }

  take(amount: number, now = Date.now()): void {
    this.refill(now);
    this.level -= amount;
  }

  charge(amount: number, now = Date.now()): void {
    this.take(amount, now);
  }
}
