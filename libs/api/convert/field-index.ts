// CreateFieldIndex -> the declared index: its field, its qdrant.FieldType and the
// PayloadIndexParams given with it (stored with the declaration in the catalog, so that
// CollectionInfo.payload_schema echoes them as Qdrant does). The type may come from field_type,
// from the params' variant, or both when they agree.
import { parseJsonPath } from '../../engine/index.ts';
import { badInput, notSupportedYet, QuiverError, validationError } from '../../errors/index.ts';
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
  if (variant === 'text_index_params') refuseTextOptions(clean(given![variant]));
  const fieldType = hasType ? String(req.field_type) : typeOfParams;
  if (!fieldType) throw badInput('field_type or field_index_params must be given');
  return { fieldName: req.field_name, fieldType, ...(variant ? { params: { [variant]: clean(given![variant]) } } : {}) };
}

/**
 * Text tokenisation is fixed to Qdrant's default (word tokens, lower-cased, any length): options
 * that would change which points match are refused with UNIMPLEMENTED, not silently ignored.
 * Storage and speed hints (on_disk, phrase_matching, enable_hnsw) change nothing and are accepted.
 */
function refuseTextOptions(text: Message): void {
  if (text.tokenizer !== undefined && text.tokenizer !== 'Word' && text.tokenizer !== 'Unknown') {
    throw notSupportedYet(`Text index tokenizer ${text.tokenizer}`);
  }
  if (text.lowercase === false) throw notSupportedYet('Text index with lowercase=false');
  for (const option of ['min_token_len', 'max_token_len', 'stopwords', 'stemmer']) {
    if (text[option] !== undefined) throw notSupportedYet(`Text index option ${option}`);
  }
  if (text.ascii_folding === true) throw notSupportedYet('Text index option ascii_folding');
}
