// Every timing of the transport, with its default. The facade builds one TransportConfig (from settings or env) and
// passes it in; nothing else in the transport hard-codes a duration.

export interface TransportConfig {
  /** Interval between heartbeat pings while online. Default 15 000 ms. */
  heartbeatIntervalMs: number;
  /**
   * How long after a ping the relay may stay silent before the peer is declared dead. Any frame counts as a sign of
   * life. A silent network is therefore detected within heartbeatIntervalMs + heartbeatTimeoutMs. Default 10 000 ms.
   */
  heartbeatTimeoutMs: number;
  /** How long a request (send, ping) waits for its response. Default 10 000 ms. */
  requestTimeoutMs: number;
  /** How long opening the socket plus challenge–response may take before the attempt is abandoned. Default 10 000 ms. */
  handshakeTimeoutMs: number;
  /** Ceiling of the first reconnect delay (full jitter below it). Default 500 ms. */
  backoffBaseMs: number;
  /** Largest reconnect delay ceiling. Default 30 000 ms. */
  backoffCapMs: number;
}

export const DEFAULT_TRANSPORT_CONFIG: Readonly<TransportConfig> = Object.freeze({
  heartbeatIntervalMs: 15_000,
  heartbeatTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  handshakeTimeoutMs: 10_000,
  backoffBaseMs: 500,
  backoffCapMs: 30_000,
});

/** Fills in defaults and rejects nonsensical values early, with the name of the bad setting. */
export function resolveTransportConfig(overrides: Partial<TransportConfig> = {}): TransportConfig {
  const config: TransportConfig = { ...DEFAULT_TRANSPORT_CONFIG };
  for (const [key, value] of Object.entries(overrides) as [keyof TransportConfig, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`transport setting ${key} must be a positive number of ms`);
    config[key] = value;
  }
  if (config.backoffCapMs < config.backoffBaseMs) throw new RangeError('transport setting backoffCapMs must be >= backoffBaseMs');
  return config;
}
