// Checks one of quiver's proto files alone against the same file of the official client:
//   npx tsx test/support/check-proto-file.ts points.proto
// Prints every difference and exits non-zero when there is any. The full check is
// test/unit/proto-compat.test.ts.
import path from 'node:path';
import { diffShapes, officialShapes, quiverShapes } from './proto-shapes.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: check-proto-file.ts <name>.proto');
const protoDir = path.resolve(import.meta.dirname, '../../proto');
const problems = diffShapes(officialShapes(file), quiverShapes(protoDir, file, false));
for (const p of problems) console.log(p);
console.log(problems.length ? `${problems.length} differences in ${file}` : `${file} matches the official client`);
process.exit(problems.length ? 1 : 0);
