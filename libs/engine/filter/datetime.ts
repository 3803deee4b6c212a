// Payload datetimes: RFC 3339 strings (`2024-05-01T10:00:00Z`, `...+02:00`, fractions of a second),
// and, as Qdrant also accepts, the same without an offset (read as UTC), with a space instead of
// `T`, without seconds, or a bare date. Values are microseconds since the Unix epoch, UTC.
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/** Microseconds since the epoch, or null when `text` is not a datetime. */
export function parseDatetime(text: string): number | null {
  const m = DATETIME.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59));
  if (new Date(ms).getUTCDate() !== day) return null; // e.g. February 30
  let offsetMinutes = 0;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * (zone[0] === '-' ? -1 : 1);
  }
  const micros = Number((frac + '000000').slice(0, 6));
  return (ms - offsetMinutes * 60_000) * 1000 + micros;
}

/** A protobuf Timestamp (seconds, nanos) as microseconds since the epoch. */
export function timestampMicros(seconds: bigint, nanos: number): number {
  return Number(seconds) * 1_000_000 + Math.floor(nanos / 1000);
}
