// Structured logs (pino) on stdout; one logger per process, a child per role.
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string, name = 'quiver'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}
