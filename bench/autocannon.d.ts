// The part of autocannon's programmatic API the benchmark uses (the package ships no types).
declare module "autocannon" {
  export interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (request: Request) => Request;
    onResponse?: (status: number, body: string, context: unknown, headers: Record<string, string>) => void;
  }
  export interface Options {
    url: string;
    connections: number;
    /** Seconds to run; without it, `amount` requests are made. */
    duration?: number;
    /** Stop after this many requests. */
    amount?: number;
    pipelining?: number;
    timeout?: number;
    requests?: Request[];
  }
  export interface Histogram {
    p50: number;
    p90: number;
    p99: number;
    average: number;
    max: number;
  }
  export interface Result {
    duration: number;
    "2xx": number;
    non2xx: number;
    errors: number;
    timeouts: number;
    latency: Histogram;
    requests: Histogram & { total: number };
    statusCodeStats: Record<string, { count: number }>;
  }
  export interface Instance extends Promise<Result> {
    on(event: "reqError", listener: (error: Error & { code?: string }) => void): Instance;
  }
  function autocannon(options: Options): Instance;
  export default autocannon;
}
