export type { Condition, FieldCondition, Filter, GeoPoint, GeoPolygon, Match, Range } from './model.ts';
export { isEmptyFilter } from './model.ts';
export { compileFilter, type EvaluationEnv, type PointView } from './evaluate.ts';
export { encodeFilter, decodeFilter } from './codec.ts';
export { parsePath } from './json-path.ts';
export { parseDatetime, timestampMicros } from './datetime.ts';
export { PayloadIndexes } from './payload-indexes.ts';
export { createFieldIndex, type FieldIndexType } from './field-index.ts';
export { thresholdPoints, estimateBySampling, filteredEf } from './planner.ts';
