import type { EmbeddingTokenizer } from './chunking.js';

/** The part of js-tiktoken used here (its types stay out of @s2/ai's public declarations). */
interface TiktokenModule {
  encodingForModel(model: string): TiktokenEncoding;
  getEncoding(name: string): TiktokenEncoding;
}
interface TiktokenEncoding {
  encode(text: string, allowedSpecial?: string[] | 'all', disallowedSpecial?: string[] | 'all'): number[];
}

/** What LangChain's OpenAIEmbeddings falls back to for a model tiktoken does not know. */
export const TIKTOKEN_FALLBACK_ENCODING = 'cl100k_base';

/** The optional peer's name, kept out of literal `import()` so bundlers do not insist on resolving it. */
const PEER = 'js-tiktoken';

let loaded: Promise<TiktokenModule | undefined> | undefined;

/** js-tiktoken when the app has it installed; undefined otherwise (the caller falls back to characters). */
export function loadTiktoken(): Promise<TiktokenModule | undefined> {
  loaded ??= import(/* @vite-ignore */ /* webpackIgnore: true */ PEER).then(
    (m: Partial<TiktokenModule> & { default?: Partial<TiktokenModule> }) => {
      const api = typeof m.getEncoding === 'function' ? m : m.default;
      return typeof api?.getEncoding === 'function' && typeof api.encodingForModel === 'function' ? (api as TiktokenModule) : undefined;
    },
    () => undefined,
  );
  return loaded;
}

const encodings = new Map<string, { name: string; tokenizer: EmbeddingTokenizer }>();

/**
 * An OpenAI tokenizer for `modelName` from js-tiktoken: the model's own encoding, or
 * `cl100k_base` for a name tiktoken does not know (as LangChain's OpenAIEmbeddings does).
 * Text that looks like a special token (`<|endoftext|>`) is encoded as ordinary text rather
 * than refused. Encodings are built once per model name (the rank tables are large).
 */
export async function tiktokenTokenizer(modelName: string): Promise<{ name: string; tokenizer: EmbeddingTokenizer } | undefined> {
  const cached = encodings.get(modelName);
  if (cached) return cached;
  const tiktoken = await loadTiktoken();
  if (!tiktoken) return undefined;
  let encoding: TiktokenEncoding;
  let name = `tiktoken:${modelName}`;
  try {
    encoding = tiktoken.encodingForModel(modelName);
  } catch {
    encoding = tiktoken.getEncoding(TIKTOKEN_FALLBACK_ENCODING);
    name = `tiktoken:${TIKTOKEN_FALLBACK_ENCODING}`;
  }
  // LangChain's OpenAIEmbeddings replaces newlines for the first-generation (`…001`) models.
  const flatten = modelName.endsWith('001');
  const entry = { name, tokenizer: { encode: (text: string) => encoding.encode(flatten ? text.replaceAll('\n', ' ') : text, [], []) } };
  encodings.set(modelName, entry);
  return entry;
}
