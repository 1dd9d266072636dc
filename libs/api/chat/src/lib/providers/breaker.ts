export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failures: number;
  /** How long it stays open before one probe is let through. */
  cooldownMs: number;
  /** Also open when at least `minCalls` of the last `window` calls were made and this share of them failed. */
  failureRatio?: number;
  window?: number;
  minCalls?: number;
}

/**
 * A circuit breaker per provider connection: closed (calls pass), open (calls are refused until the cooldown ends),
 * half-open (one probe passes; its success closes the circuit, its failure opens it again).
 */
export class CircuitBreaker {
  state: BreakerState = 'closed';
  consecutiveFailures = 0;
  openedAt = 0;
  private probeInFlight = false;
  private readonly recent: boolean[] = [];

  constructor(private options: BreakerOptions) {}

  /** New thresholds (an operator edited the connection); the current state is kept. */
  configure(options: BreakerOptions): void {
    this.options = { ...this.options, ...options };
  }

  /** Whether a call may go to this connection now (claims the probe when half-open). */
  tryPass(now = Date.now()): boolean {
    if (this.state === 'open' && now - this.openedAt >= this.options.cooldownMs) {
      this.state = 'half_open';
      this.probeInFlight = false;
    }
    if (this.state === 'closed') return true;
    if (this.state === 'half_open' && !this.probeInFlight) {
      this.probeInFlight = true;
      return true;
    }
    return false;
  }

  success(): void {
    this.record(true);
    this.consecutiveFailures = 0;
    this.state = 'closed';
    this.probeInFlight = false;
  }

  failure(now = Date.now()): void {
    this.record(false);
    this.consecutiveFailures++;
    const { failureRatio = 0.5, window = 20, minCalls = 10 } = this.options;
    const failed = this.recent.filter((ok) => !ok).length;
    if (
      this.state === 'half_open' ||
      this.consecutiveFailures >= this.options.failures ||
      (this.recent.length >= Math.min(minCalls, window) && failed / this.recent.length >= failureRatio)
    ) {
      this.state = 'open';
      this.openedAt = now;
      this.probeInFlight = false;
      this.recent.length = 0;
    }
  }

  /** Numeric state for /metrics: 0 closed, 1 half-open, 2 open. */
  get level(): number {
    return this.state === 'closed' ? 0 : this.state === 'half_open' ? 1 : 2;
  }

  private record(ok: boolean): void {
    this.recent.push(ok);
    if (this.recent.length > (this.options.window ?? 20)) this.recent.shift();
  }
}
