// Canonical, comparable shapes of protobuf definitions, built from two independent sources:
// the descriptors embedded in the official @qdrant/js-client-grpc package, and quiver's own
// .proto files as protobufjs parses them. Each message, enum and service becomes a sorted list of
// lines, so a mismatch shows up as a readable line diff.
import path from 'node:path';
import protobuf from 'protobufjs';
import { file_qdrant } from '@qdrant/js-client-grpc';

export type Shapes = Map<string, string[]>;

// FieldDescriptorProto.Type numbers -> proto scalar names.
const SCALAR_BY_TYPE: Record<number, string> = {
  1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 6: 'fixed64', 7: 'fixed32',
  8: 'bool', 9: 'string', 12: 'bytes', 13: 'uint32', 15: 'sfixed32', 16: 'sfixed64', 17: 'sint32', 18: 'sint64',
};
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;
const LABEL_REPEATED = 3;

interface DescLike { typeName: string; name: string }

/** Shapes of every message, enum and service reachable from the official client's qdrant.proto. */
export function officialShapes(onlyFile?: string): Shapes {
  const shapes: Shapes = new Map();
  const seen = new Set<unknown>();
  // biome-ignore lint: descriptor objects are walked structurally
  const visitFile = (file: any): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const dep of file.dependencies) visitFile(dep);
    if (!file.name.startsWith('google/') && (!onlyFile || `${file.name}.proto` === onlyFile)) {
      for (const message of file.messages) visitMessage(message);
      for (const en of file.enums) visitEnum(en);
      for (const svc of file.services) visitService(svc);
    }
  };
  // biome-ignore lint: descriptor objects are walked structurally
  const visitMessage = (message: any): void => {
    if (message.proto.options?.mapEntry) return;
    const lines: string[] = [];
    for (const field of message.fields) {
      const p = field.proto;
      let type: string;
      if (field.fieldKind === 'map') {
        type = `map<${SCALAR_BY_TYPE[field.mapKey]},${mapValueOf(field)}>`;
      } else if (p.type === TYPE_MESSAGE || p.type === TYPE_ENUM) {
        type = String(p.typeName).replace(/^\./, '');
      } else {
        type = SCALAR_BY_TYPE[p.type] ?? `?${p.type}`;
      }
      const label = field.fieldKind === 'map' ? '' : p.label === LABEL_REPEATED ? 'repeated ' : p.proto3Optional ? 'optional ' : '';
      const oneof = field.oneof && !p.proto3Optional ? ` oneof ${field.oneof.name}` : '';
      lines.push(`${p.number} ${label}${type} ${p.name}${oneof}`);
    }
    shapes.set(`message ${message.typeName}`, lines.sort());
    for (const nested of message.nestedMessages) visitMessage(nested);
    for (const en of message.nestedEnums) visitEnum(en);
  };
  // biome-ignore lint: descriptor objects are walked structurally
  const mapValueOf = (field: any): string => {
    if (field.mapKind === 'scalar') return SCALAR_BY_TYPE[field.scalar];
    return (field.mapKind === 'enum' ? field.enum : field.message).typeName;
  };
  // biome-ignore lint: descriptor objects are walked structurally
  const visitEnum = (en: any): void => {
    shapes.set(`enum ${en.typeName}`, en.values.map((v: any) => `${v.number} ${v.name}`).sort());
  };
  // biome-ignore lint: descriptor objects are walked structurally
  const visitService = (svc: any): void => {
    const lines = svc.methods.map((m: any) =>
      `rpc ${m.name}(${m.methodKind === 'client_streaming' || m.methodKind === 'bidi_streaming' ? 'stream ' : ''}${(m.input as DescLike).typeName}) returns (${m.methodKind === 'server_streaming' || m.methodKind === 'bidi_streaming' ? 'stream ' : ''}${(m.output as DescLike).typeName})`);
    shapes.set(`service ${svc.typeName}`, lines.sort());
  };
  visitFile(file_qdrant);
  return shapes;
}

/** Shapes of every message, enum and service in package `qdrant` of quiver's protos. */
export function quiverShapes(protoDir: string, entry = 'qdrant.proto', strict = true): Shapes {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    if (target.startsWith('google/protobuf/')) return target; // protobufjs ships the well-known types
    return path.isAbsolute(target) ? target : path.join(protoDir, target);
  };
  root.loadSync(path.join(protoDir, entry), { keepCase: true });
  if (strict) root.resolveAll();
  const shapes: Shapes = new Map();
  const walk = (ns: protobuf.NamespaceBase): void => {
    for (const obj of ns.nestedArray) {
      // Checked alone, a file answers only for what it defines itself, not for its imports.
      if (!strict && obj.filename && path.basename(obj.filename) !== entry && !(obj instanceof protobuf.Namespace && !(obj instanceof protobuf.Type) && !(obj instanceof protobuf.Service))) continue;
      const full = obj.fullName.replace(/^\./, '');
      if (obj instanceof protobuf.Type) {
        const lines: string[] = [];
        for (const field of obj.fieldsArray) {
          const typeName = (f: protobuf.Field | protobuf.MapField): string => {
            if (!strict) try { f.resolve(); } catch { /* checked alone: sibling files may be unfinished */ }
            if (f.resolvedType) return f.resolvedType.fullName.replace(/^\./, '');
            return /^(double|float|u?int(32|64)|s?fixed(32|64)|sint(32|64)|bool|string|bytes)$/.test(f.type) || f.type.includes('.') ? f.type : `qdrant.${f.type}`;
          };
          let type: string;
          let label = '';
          if (field instanceof protobuf.MapField) {
            type = `map<${field.keyType},${typeName(field)}>`;
          } else {
            type = typeName(field);
            if (field.repeated) label = 'repeated ';
            else if (field.options?.proto3_optional) label = 'optional ';
          }
          const oneof = field.partOf && !field.options?.proto3_optional ? ` oneof ${field.partOf.name}` : '';
          lines.push(`${field.id} ${label}${type} ${field.name}${oneof}`);
        }
        shapes.set(`message ${full}`, lines.sort());
        walk(obj);
      } else if (obj instanceof protobuf.Enum) {
        shapes.set(`enum ${full}`, Object.entries(obj.values).map(([name, num]) => `${num} ${name}`).sort());
      } else if (obj instanceof protobuf.Service) {
        shapes.set(`service ${full}`, obj.methodsArray.map((m) => {
          if (strict) m.resolve();
          const req = strict ? m.resolvedRequestType?.fullName.replace(/^\./, '') : `qdrant.${m.requestType}`;
          const res = strict ? m.resolvedResponseType?.fullName.replace(/^\./, '') : `qdrant.${m.responseType}`;
          return `rpc ${m.name}(${m.requestStream ? 'stream ' : ''}${req}) returns (${m.responseStream ? 'stream ' : ''}${res})`;
        }).sort());
      } else if (obj instanceof protobuf.Namespace) {
        walk(obj);
      }
    }
  };
  const qdrant = root.lookup('qdrant');
  if (qdrant instanceof protobuf.Namespace) walk(qdrant);
  return shapes;
}

/** Human-readable differences between two shape sets; empty when they describe the same API. */
export function diffShapes(expected: Shapes, actual: Shapes): string[] {
  const problems: string[] = [];
  for (const [name, lines] of expected) {
    const mine = actual.get(name);
    if (!mine) { problems.push(`missing ${name}`); continue; }
    const missing = lines.filter((l) => !mine.includes(l));
    const extra = mine.filter((l) => !lines.includes(l));
    if (missing.length || extra.length) {
      problems.push(`${name}:\n    expected ${missing.join('\n    expected ') || '-'}\n    but have ${extra.join('\n    but have ') || '-'}`);
    }
  }
  for (const name of actual.keys()) if (!expected.has(name)) problems.push(`not in the official client: ${name}`);
  return problems;
}
