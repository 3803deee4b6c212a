// Full-text tokens, as a text payload index produces them (Qdrant's default word tokenizer,
// lower-cased): maximal runs of letters and digits.
export function tokenize(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0);
}

/** Whether `phrase` tokens occur in `doc` tokens consecutively and in order. */
export function containsPhrase(doc: string[], phrase: string[]): boolean {
  if (phrase.length === 0) return true;
  outer: for (let i = 0; i + phrase.length <= doc.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (doc[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}
