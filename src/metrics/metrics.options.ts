/** Options of {@link MetricsModule}: who may read `GET /metrics`. */
export interface MetricsModuleOptions {
  /** A bearer token that opens `/metrics` from any address. */
  token?: string;
  /** Client addresses or CIDR ranges allowed without a token. Default: loopback only. */
  allow?: string[];
}

/** Loopback, IPv4 and IPv6: a scraper on the same host or in the same pod. */
export const DEFAULT_METRICS_ALLOW = ['127.0.0.0/8', '::1'];
