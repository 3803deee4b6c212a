// Entry point of the indexer process. Telemetry starts before the rest is imported.
import { startTelemetry } from '../../libs/telemetry/index.ts';

startTelemetry('quiver-indexer');
const { run } = await import('../common/run.ts');
await run(['indexer']);
