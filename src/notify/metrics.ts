// Delivery counters, logged as one line a minute while webhooks are busy (and readable by tests).

export interface MetricsSnapshot {
  batches: number;
  notifications: number;
  failures: number;
  dropped: number;
  validations: number;
  validationFailures: number;
  /** Wall-clock ms from record write to webhook acknowledgement, over the delivered batches. */
  ingestToDeliveryMs: { p50: number; p95: number; max: number } | null;
  /** HTTP round trip of the delivered batches. */
  httpMs: { p50: number; max: number } | null;
}

const MAX_SAMPLES = 2000;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export class DeliveryMetrics {
  batches = 0;
  notifications = 0;
  failures = 0;
  dropped = 0;
  validations = 0;
  validationFailures = 0;
  #ingest: number[] = [];
  #http: number[] = [];

  delivered(items: number, ingestMs: number, httpMs: number): void {
    this.batches += 1;
    this.notifications += items;
    if (this.#ingest.length < MAX_SAMPLES) this.#ingest.push(ingestMs);
    if (this.#http.length < MAX_SAMPLES) this.#http.push(httpMs);
  }

  get active(): boolean {
    return this.batches + this.failures + this.dropped + this.validations > 0;
  }

  /** The counters since the last reset. */
  snapshot(reset = false): MetricsSnapshot {
    const ingest = [...this.#ingest].sort((a, b) => a - b);
    const http = [...this.#http].sort((a, b) => a - b);
    const snap: MetricsSnapshot = {
      batches: this.batches,
      notifications: this.notifications,
      failures: this.failures,
      dropped: this.dropped,
      validations: this.validations,
      validationFailures: this.validationFailures,
      ingestToDeliveryMs: ingest.length
        ? { p50: quantile(ingest, 0.5), p95: quantile(ingest, 0.95), max: ingest[ingest.length - 1]! }
        : null,
      httpMs: http.length ? { p50: quantile(http, 0.5), max: http[http.length - 1]! } : null,
    };
    if (reset) {
      this.batches = this.notifications = this.failures = this.dropped = 0;
      this.validations = this.validationFailures = 0;
      this.#ingest = [];
      this.#http = [];
    }
    return snap;
  }
}
