// `npm run relay`: reads the configuration from the environment, starts the relay, prints one
// `relay.listening` line once it accepts connections, and shuts down gracefully on SIGTERM or SIGINT.
import { ConfigError, loadRelayConfig, type RelayConfig } from './config';
import { deviceCapacity, openFilesSoftLimit } from './fd-limit';
import { createJsonLogger, errorFields } from './log';
import { startRelay } from './relay';

async function main(): Promise<void> {
  let config: RelayConfig;
  try {
    config = loadRelayConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stdout.write(`${JSON.stringify({ event: 'relay.config_invalid', variable: error.variable, message: error.message, level: 'error' })}\n`);
    process.exit(2);
  }
  const logger = createJsonLogger(config.logLevel);
  // A bug must be logged, not take every device's connection down with it.
  process.on('uncaughtException', (error) => logger.error('relay.uncaught_exception', errorFields(error)));
  process.on('unhandledRejection', (error) => logger.error('relay.unhandled_rejection', errorFields(error)));

  const softLimit = openFilesSoftLimit();
  if (softLimit !== undefined) {
    const devices = deviceCapacity(softLimit, config.maxUnauthenticated);
    const fields = { openFilesSoftLimit: softLimit, devicesItLeavesRoomFor: devices };
    // 10,000 devices need about 12,100 descriptors with the default limits (docs/operations.md).
    if (devices < 10_000) logger.warn('relay.fd_limit_low', fields);
    else logger.info('relay.fd_limit', fields);
  }
  const relay = await startRelay(config, { logger });
  // Always printed, whatever the log level: spawners wait for this line.
  process.stdout.write(
    `${JSON.stringify({ event: 'relay.listening', url: relay.url, port: relay.port, dataDir: relay.dataDir, metricsUrl: relay.metricsUrl })}\n`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('relay.forced_exit', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('relay.shutting_down', { signal });
    relay.close().then(
      () => {
        logger.info('relay.stopped', {});
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('relay.shutdown_failed', errorFields(error));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ event: 'relay.start_failed', ...errorFields(error), level: 'error' })}\n`);
  process.exit(1);
});
