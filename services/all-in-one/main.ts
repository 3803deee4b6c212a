// Entry point of the all-in-one process. Telemetry starts before the rest is imported.
import { startTelemetry } from '../../libs/telemetry/index.ts';

startTelemetry('quiver-all-in-one');
const { run } = await import('../common/run.ts');
await run(['ingress', 'indexer', 'query']);
