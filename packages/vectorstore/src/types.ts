/** Similarity metric of an index. */
export const Metric = { COSINE: 'cosine', EUCLIDEAN: 'euclidean', DOTPRODUCT: 'dotproduct' } as const;
export type Metric = (typeof Metric)[keyof typeof Metric];
export const METRICS: readonly Metric[] = [Metric.COSINE, Metric.EUCLIDEAN, Metric.DOTPRODUCT];

export const DeletionProtection = { ENABLED: 'enabled', DISABLED: 'disabled' } as const;
export type DeletionProtection = (typeof DeletionProtection)[keyof typeof DeletionProtection];

/** Metadata stored with a vector: any JSON object (nested objects are reachable by dotted filter keys). */
export type Metadata = Record<string, unknown>;

/** An index as recorded in the registry table. */
export interface IndexModel {
  readonly name: string;
  readonly dimension: number;
  readonly metric: Metric;
  readonly deletionProtection: DeletionProtection;
  readonly tags: Record<string, string>;
  readonly useVectorIndex: boolean;
  readonly vectorIndexOptions: Record<string, unknown>;
}

/** Vector values: a plain array or a typed array (Float32Array keeps memory small). */
export type VectorValues = ArrayLike<number>;

export interface VectorRecord {
  id: string;
  values: VectorValues;
  metadata?: Metadata | null;
}

/** A record whose vector is computed by the store's embeddings model. */
export interface TextRecord {
  id: string;
  text: string;
  metadata?: Metadata | null;
}

export type VectorTuple = readonly [id: string, values: VectorValues] | readonly [id: string, values: VectorValues, metadata: Metadata | null];

export type UpsertItem = VectorRecord | TextRecord | VectorTuple;

export interface Match {
  id: string;
  /** Cosine similarity or dot product (higher is closer), or euclidean distance (lower is closer). */
  score: number;
  values: number[] | null;
  metadata: Metadata | null;
}

export interface NamespaceStats {
  vectorCount: number;
}

export interface IndexStats {
  dimension: number;
  totalVectorCount: number;
  /** Per namespace; vectors without a namespace are counted under the empty string `""`. */
  namespaces: Record<string, NamespaceStats>;
}

/**
 * An embeddings model, in the shape of LangChain.js `Embeddings` (the @s2/ai classes have it):
 * text in, vectors out.
 */
export interface EmbeddingsLike {
  embedDocuments(texts: string[]): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
}
