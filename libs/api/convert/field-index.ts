// CreateFieldIndex -> the declared index: its field, its qdrant.FieldType and the
// PayloadIndexParams given with it (stored with the declaration in the catalog, so that
// CollectionInfo.payload_schema echoes them as Qdrant does). The type may come from field_type,
// from the params' variant, or both when they agree.
import { parseJsonPath } from '../../engine/index.ts';
import { badInput, QuiverError, validationError } from '../../errors/index.ts';
import { clean } from './config-diffs.ts';

// biome-ignore lint: proto-loader message shapes
type Message = Record<string, any>;

const FIELD_TYPE_BY_PARAMS: Record<string, string> = {
  keyword_index_params: 'FieldTypeKeyword',
  integer_index_params: 'FieldTypeInteger',
  float_index_params: 'FieldTypeFloat',
  geo_index_params: 'FieldTypeGeo',
  text_index_params: 'FieldTypeText',
  bool_index_params: 'FieldTypeBool',
  datetime_index_params: 'FieldTypeDatetime',
  uuid_index_params: 'FieldTypeUuid',
};

export interface FieldIndexDeclaration {
  fieldName: string;
  /** qdrant.FieldType name. */
  fieldType: string;
  /** Wire-shaped qdrant.PayloadIndexParams (one variant), when the request gave any. */
  params?: Message;
}

export function fieldIndexFromRequest(req: Message, isFieldType: (name: unknown) => boolean): FieldIndexDeclaration {
  if (typeof req.field_name !== 'string' || req.field_name.length === 0) {
    throw validationError('field_name', 'length must be at least 1');
  }
  if (!parseJsonPath(req.field_name)) throw new QuiverError('bad_input', `Invalid json path: '${req.field_name}'`); // as filters read it
  const given = req.field_index_params as Message | undefined;
  const variant = given ? Object.keys(FIELD_TYPE_BY_PARAMS).find((k) => given[k]) : undefined;
  if (given && !variant && Object.keys(clean(given)).some((k) => k !== 'index_params')) throw badInput('cannot convert field_index_params');
  const typeOfParams = variant ? FIELD_TYPE_BY_PARAMS[variant] : undefined;
  const hasType = req.field_type !== undefined && req.field_type !== null;
  if (hasType && !isFieldType(req.field_type)) throw badInput('cannot convert field_type');
  if (hasType && typeOfParams && req.field_type !== typeOfParams) {
    throw badInput(`field_type ${req.field_type} and field_index_params ${variant} do not match`);
  }
  const fieldType = hasType ? String(req.field_type) : typeOfParams;
  if (!fieldType) throw badInput('field_type or field_index_params must be given');
  return { fieldName: req.field_name, fieldType, ...(variant ? { params: { [variant]: clean(given![variant]) } } : {}) };
}
