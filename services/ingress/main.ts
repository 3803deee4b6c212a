// Entry point of the ingress process. Telemetry starts before the rest is imported.
import { startTelemetry } from '../../libs/telemetry/index.ts';

startTelemetry('quiver-ingress');
const { run } = await import('../common/run.ts');
await run(['ingress']);
