// Entry point of the query process. Telemetry starts before the rest is imported.
import { startTelemetry } from '../../libs/telemetry/index.ts';

startTelemetry('quiver-query');
const { run } = await import('../common/run.ts');
await run(['query']);
