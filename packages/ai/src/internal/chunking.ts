import { OptionError } from '@s2/base';

/**
 * A tokenizer for client-side chunking by tokens: `encode` without special tokens, and the
 * special tokens the model adds around each input (`prefix`, `suffix`), which every chunk gets.
 */
export interface EmbeddingTokenizer {
  encode(text: string): number[];
  prefix?: number[];
  suffix?: number[];
}

/** One embeddable piece: text for the server to tokenize, or token ids. */
export type Chunk = string | number[];

/**
 * Tokens held back so a full chunk stays strictly under the window (as
 * the SingleStoreDB Python SDK (singlestoredb 1.18.1) does).
 */
const WINDOW_SAFETY_MARGIN = 1;

export interface ChunkPlan {
  chunks: Chunk[];
  /** The input each chunk came from. */
  owner: number[];
  /** How much content each chunk carries, for the weighted average. */
  weights: number[];
}

export interface Chunker {
  plan(texts: string[]): ChunkPlan;
  /** How inputs are cut, for callers and tests: by characters, or by tokens of which tokenizer. */
  readonly describe: ChunkingInfo;
}

export type ChunkingInfo = { by: 'characters'; maxChars: number } | { by: 'tokens'; maxInputTokens: number; tokenizer: string };

/**
 * Cuts `text` into pieces of at most `maxChars` code points, with each piece's code point count.
 * Code points, not UTF-16 units: the reference counts Python `str` characters, and a cut inside
 * a surrogate pair would put lone surrogates on the wire (U+FFFD or a refused body server-side).
 */
function splitCodePoints(text: string, maxChars: number): { pieces: string[]; lengths: number[] } {
  // A string no longer than maxChars units has at most maxChars code points.
  if (text.length <= maxChars) return { pieces: [text], lengths: [[...text].length] };
  const points = [...text];
  const pieces: string[] = [];
  const lengths: number[] = [];
  for (let k = 0; k < points.length; k += maxChars) {
    const part = points.slice(k, k + maxChars);
    pieces.push(part.join(''));
    lengths.push(part.length);
  }
  return { pieces, lengths };
}

/** Splits by characters (code points): `maxChars` per chunk; text goes on the wire. */
export function characterChunker(maxChars: number): Chunker {
  if (!(Number.isInteger(maxChars) && maxChars >= 1)) throw new OptionError(`maxChunkChars must be a positive integer, got ${maxChars}`);
  return {
    describe: { by: 'characters', maxChars },
    plan(texts) {
      const plan: ChunkPlan = { chunks: [], owner: [], weights: [] };
      texts.forEach((text, i) => {
        const { pieces, lengths } = splitCodePoints(text, maxChars);
        pieces.forEach((piece, k) => {
          plan.chunks.push(piece);
          plan.owner.push(i);
          plan.weights.push(Math.max(1, lengths[k]!));
        });
      });
      return plan;
    },
  };
}

/**
 * Splits by tokens so each chunk, with its special tokens, fits `maxInputTokens`; token ids go
 * on the wire. `margin` tokens are held back (1 for model tokenizers, as the Python SDK; 0 for
 * tiktoken on OpenAI models, where LangChain fills the window exactly). An empty text without
 * special tokens goes as the empty string (an empty id list is not a valid input).
 */
export function tokenChunker(tokenizer: EmbeddingTokenizer, maxInputTokens: number, name = 'caller', margin = WINDOW_SAFETY_MARGIN): Chunker {
  if (!(Number.isInteger(maxInputTokens) && maxInputTokens >= 1)) throw new OptionError(`maxInputTokens must be a positive integer, got ${maxInputTokens}`);
  const prefix = tokenizer.prefix ?? [];
  const suffix = tokenizer.suffix ?? [];
  const budget = maxInputTokens - prefix.length - suffix.length - margin;
  if (!(budget >= 1)) {
    throw new OptionError(
      `maxInputTokens=${maxInputTokens} leaves no room for content after ${prefix.length + suffix.length} special token(s) and a ${margin}-token margin`,
    );
  }
  return {
    describe: { by: 'tokens', maxInputTokens, tokenizer: name },
    plan(texts) {
      const plan: ChunkPlan = { chunks: [], owner: [], weights: [] };
      texts.forEach((text, i) => {
        const content = tokenizer.encode(text);
        if (content.length === 0 && prefix.length + suffix.length === 0) {
          plan.chunks.push('');
          plan.owner.push(i);
          plan.weights.push(1);
          return;
        }
        for (let k = 0; k < Math.max(content.length, 1); k += budget) {
          const piece = content.slice(k, k + budget);
          plan.chunks.push([...prefix, ...piece, ...suffix]);
          plan.owner.push(i);
          plan.weights.push(Math.max(1, piece.length));
        }
      });
      return plan;
    },
  };
}

/**
 * One vector per input: a single chunk's vector as it came, several chunks' vectors averaged by
 * weight and scaled back to unit length.
 */
export function combineChunks(count: number, plan: ChunkPlan, vectors: number[][]): number[][] {
  const groups: number[][] = Array.from({ length: count }, () => []);
  plan.owner.forEach((o, j) => groups[o]!.push(j));
  return groups.map((idx) => {
    if (idx.length === 1) return vectors[idx[0]!]!;
    const dim = vectors[idx[0]!]!.length;
    const avg = new Array<number>(dim).fill(0);
    let total = 0;
    for (const j of idx) {
      const w = plan.weights[j]!;
      total += w;
      const v = vectors[j]!;
      for (let k = 0; k < dim; k++) avg[k]! += v[k]! * w;
    }
    let norm = 0;
    for (let k = 0; k < dim; k++) {
      avg[k] = avg[k]! / total;
      norm += avg[k]! * avg[k]!;
    }
    norm = Math.sqrt(norm);
    return norm > 0 ? avg.map((x) => x / norm) : avg;
  });
}
