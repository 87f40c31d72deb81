// The one home of the desktop app's configuration: environment variables with documented defaults.
// Shells pass their own fallbacks (Electron's userData folder, the browser shell's profile folder).
import { CodedError } from '../../shared/base';
import { RELAY_WS_PATH } from '../../shared/protocol';
import { resolveTransportConfig, type TransportConfig } from './transport';

export interface CoreConfig {
  /** Folder for the account, keys and (later) the vault. PARLEY_APP_DATA_DIR overrides the shell's default. */
  dataDir: string;
  /** Relay offered during onboarding. PARLEY_RELAY_URL, default the local relay of `npm start`. */
  defaultRelayUrl: string;
  transport: TransportConfig;
}

export const DEFAULT_RELAY_URL = `ws://127.0.0.1:8787${RELAY_WS_PATH}`;

const TRANSPORT_VARIABLES: Record<keyof TransportConfig, string> = {
  heartbeatIntervalMs: 'PARLEY_HEARTBEAT_INTERVAL_MS',
  heartbeatTimeoutMs: 'PARLEY_HEARTBEAT_TIMEOUT_MS',
  requestTimeoutMs: 'PARLEY_REQUEST_TIMEOUT_MS',
  handshakeTimeoutMs: 'PARLEY_HANDSHAKE_TIMEOUT_MS',
  backoffBaseMs: 'PARLEY_BACKOFF_BASE_MS',
  backoffCapMs: 'PARLEY_BACKOFF_CAP_MS',
};

export class CoreConfigError extends CodedError<'invalid_config'> {
  override readonly name = 'CoreConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super('invalid_config', message);
  }
}

export function loadCoreConfig(env: Readonly<Record<string, string | undefined>>, defaultDataDir: string): CoreConfig {
  const overrides: Partial<TransportConfig> = {};
  for (const [key, variable] of Object.entries(TRANSPORT_VARIABLES) as [keyof TransportConfig, string][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) throw new CoreConfigError(variable, `${variable} must be a positive whole number of milliseconds`);
    overrides[key] = value;
  }
  let transport: TransportConfig;
  try {
    transport = resolveTransportConfig(overrides);
  } catch (error) {
    throw new CoreConfigError('PARLEY_BACKOFF_CAP_MS', (error as Error).message);
  }
  return {
    dataDir: nonEmpty(env.PARLEY_APP_DATA_DIR) ?? defaultDataDir,
    defaultRelayUrl: nonEmpty(env.PARLEY_RELAY_URL) ?? DEFAULT_RELAY_URL,
    transport,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
