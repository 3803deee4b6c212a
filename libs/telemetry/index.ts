// OpenTelemetry for a quiver process. The SDK starts only when the standard OTEL_* variables ask
// for an exporter (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER), and
// before the rest of the process is imported, so instrumentations can patch what they wrap.
// Exporters, resource and sampling are configured by those variables, as the SDK defines them.
import { NodeSDK } from '@opentelemetry/sdk-node';

let sdk: NodeSDK | undefined;

export function telemetryRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_TRACES_EXPORTER || env.OTEL_METRICS_EXPORTER);
}

export function startTelemetry(serviceName: string): void {
  if (sdk || !telemetryRequested()) return;
  process.env.OTEL_SERVICE_NAME ||= serviceName;
  sdk = new NodeSDK();
  sdk.start();
}

export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
