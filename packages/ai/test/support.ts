import { afterAll, beforeAll } from 'vitest';
import { startFakeAi, type FakeAi, type FakeAiOptions } from '@s2/fakes/ai';

/** A fake inference server for the file's tests, closed afterwards. */
export function useFakeAi(options: FakeAiOptions = {}): () => FakeAi {
  let fake: FakeAi | undefined;
  beforeAll(async () => {
    fake = await startFakeAi(options);
  });
  afterAll(async () => {
    await fake?.close();
  });
  return () => fake!;
}

/** The requests a test made, from `from` on (index into `fake.requests`). */
export function since(fake: FakeAi, from: number) {
  return fake.requests.slice(from);
}
