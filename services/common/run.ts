// Process entry: configuration, logging, the roles, and signals. SIGTERM/SIGINT stop gracefully
// (health NOT_SERVING, calls in flight finish, workers finish the operation in hand); a second
// signal exits at once.
import { loadConfigOrExit, type Role } from '../../libs/config/index.ts';
import { stopTelemetry } from '../../libs/telemetry/index.ts';
import { createLogger } from './logger.ts';
import { startQuiver } from './quiver.ts';

export async function run(roles: Role[]): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel);
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  let quiver: Awaited<ReturnType<typeof startQuiver>>;
  try {
    quiver = await startQuiver(config, roles, log);
  } catch (err) {
    log.fatal(`quiver could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  log.info(
    { roles, grpc: quiver.grpcPort ? `${config.grpc.host}:${quiver.grpcPort}` : undefined, indexer: quiver.indexerAddress, redis: config.redis.url, prefix: config.redis.prefix, storage: config.storagePath },
    'quiver is serving',
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'stopping');
    await quiver.stop();
    await stopTelemetry();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
