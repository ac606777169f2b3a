export { startFakeAi, type FakeAi, type FakeAiOptions, type CapturedAiRequest, type InferenceApiRecord } from './ai/server.js';
export { fakeEmbedding, fakeReply, fakeTokenCount } from './ai/vectors.js';
export { encodeEventStreamMessage, bedrockEvent, bedrockException } from './ai/eventstream.js';
