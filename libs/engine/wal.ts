// A replica's write-ahead log: an append-only file of records
//   [u32 length][u32 crc32 of seq+data][u64 seq][data]
// The file is opened with O_DSYNC: a write returns once its data is on disk (as write + fdatasync,
// in one trip to libuv's thread pool instead of two), and it runs there, so the thread that
// answers requests is not held by the disk. Reading stops at the
// first torn or corrupt record, which a crash mid-append can leave, and the tail is cut there.
import fs from 'node:fs';
import zlib from 'node:zlib';

const HEADER = 16;

export interface WalRecord {
  seq: number;
  data: Uint8Array;
}

export class WriteAheadLog {
  private constructor(
    readonly file: string,
    private readonly fd: number,
    private size: number,
  ) {}

  /** Opens (creating if needed) the log, returning it and every intact record in order. */
  static open(file: string): { wal: WriteAheadLog; records: WalRecord[] } {
    const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND | fs.constants.O_DSYNC, 0o644);
    const bytes = fs.readFileSync(file);
    const records: WalRecord[] = [];
    let at = 0;
    while (at + HEADER <= bytes.length) {
      const length = bytes.readUInt32LE(at);
      const crc = bytes.readUInt32LE(at + 4);
      const end = at + HEADER + length;
      if (end > bytes.length) break;
      if (zlib.crc32(bytes.subarray(at + 8, end)) !== crc) break;
      records.push({ seq: Number(bytes.readBigUInt64LE(at + 8)), data: bytes.subarray(at + HEADER, end) });
      at = end;
    }
    if (at < bytes.length) fs.ftruncateSync(fd, at); // drop a torn tail
    return { wal: new WriteAheadLog(file, fd, at), records };
  }

  /** The record's header; its crc covers the seq bytes and then the data, as one run. */
  private header(seq: number, data: Uint8Array): Buffer {
    const header = Buffer.allocUnsafe(HEADER);
    header.writeUInt32LE(data.byteLength, 0);
    header.writeBigUInt64LE(BigInt(seq), 8);
    header.writeUInt32LE(zlib.crc32(data, zlib.crc32(header.subarray(8))), 4);
    return header;
  }

  /**
   * Appends one record and makes it durable; resolves once it is on disk. One at a time. Header
   * and data go out in one writev (the data is not copied), and a short write is completed.
   */
  appendDurable(seq: number, data: Uint8Array): Promise<void> {
    let pieces: Uint8Array[] = [this.header(seq, data), data];
    const length = HEADER + data.byteLength;
    return new Promise((resolve, reject) => {
      const write = (): void =>
        fs.writev(this.fd, pieces, (err, written) => {
          if (err) return reject(err);
          pieces = remainderAfter(pieces, written);
          if (pieces.length) return write();
          this.size += length;
          resolve(); // O_DSYNC: what was written is durable
        });
      write();
    });
  }

  get bytes(): number {
    return this.size;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** What is left of `pieces` after the first `written` bytes. */
function remainderAfter(pieces: Uint8Array[], written: number): Uint8Array[] {
  const rest: Uint8Array[] = [];
  for (const piece of pieces) {
    if (written >= piece.byteLength) written -= piece.byteLength;
    else {
      rest.push(written ? piece.subarray(written) : piece);
      written = 0;
    }
  }
  return rest;
}
