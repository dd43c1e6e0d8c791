// autocannon 9 ships no types (and @types/autocannon describes 7.x): the part of its
// programmatic API that the server-requests bench uses.
declare module 'autocannon' {
  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
    p99_9: number;
  }

  export interface Result {
    url: string;
    connections: number;
    pipelining: number;
    /** seconds */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    statusCodeStats: Record<string, { count: number }>;
    /** ms */
    latency: Histogram;
    /** requests per sample interval (1 s) */
    requests: Histogram & { sent: number };
    throughput: Histogram;
  }

  export interface Options {
    url: string;
    connections?: number;
    pipelining?: number;
    /** seconds */
    duration?: number;
    /** requests to send, instead of a duration */
    amount?: number;
    method?: string;
    headers?: Record<string, string>;
    /** seconds */
    timeout?: number;
    tlsOptions?: Record<string, unknown>;
  }

  export interface Instance {
    stop(): void;
  }

  function autocannon(opts: Options, cb: (err: Error | null, result: Result) => void): Instance;
  export default autocannon;
}
