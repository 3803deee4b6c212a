// Loads message types of quiver's internal protos (proto/internal/) with protobufjs.
import path from 'node:path';
import protobuf from 'protobufjs';

const protoDir = path.resolve(import.meta.dirname, '../../proto');
const roots = new Map<string, protobuf.Root>();

export function internalType(file: string, name: string): protobuf.Type {
  let root = roots.get(file);
  if (!root) {
    root = new protobuf.Root();
    root.resolvePath = (_origin, target) =>
      path.isAbsolute(target) || target.startsWith('google/') ? target : path.join(protoDir, target);
    root.loadSync(path.join(protoDir, file), { keepCase: true });
    root.resolveAll();
    roots.set(file, root);
  }
  return root.lookupType(name);
}

/** protobufjs toObject options matching proto-loader's: int64 as strings, oneofs named. */
export const TO_OBJECT = { longs: String, enums: String, oneofs: true } as const;
