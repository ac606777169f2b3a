import { Readable } from 'node:stream';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { bedrockEvent, bedrockException } from './eventstream.js';
import { fakeEmbedding, fakeReply, fakeTokenCount } from './vectors.js';

export interface FakeAiOptions {
  /** The bearer token every request must carry; null accepts any (or none). Default null. */
  token?: string | null;
  /** Length of the fake vectors. Default 16. */
  dimension?: number;
  /** Longest accepted embedding input (characters, or token ids): longer ones get a 400, like a model's context window. */
  maxInputLength?: number;
  /**
   * Most tokens one embeddings request may carry, summed over its inputs (token ids counted one
   * each, text by `fakeTokenCount`): more get OpenAI's 400 `max_tokens_per_request`. Default
   * 300 000, OpenAI's limit.
   */
  maxTokensPerRequest?: number;
  /** Streamed bodies are written in pieces of this many bytes, so clients must reassemble frames. Default 7. */
  streamPieceBytes?: number;
  /** Each model request waits this long before it is answered (makes concurrency observable). Default 0. */
  latencyMs?: number;
}

/** One request as the fake received it (header names lower-case). */
export interface CapturedAiRequest {
  method: string;
  path: string;
  route: 'chat' | 'embeddings' | 'converse' | 'converse-stream' | 'invoke' | 'invoke-with-response-stream';
  modelId: string | undefined;
  headers: Record<string, string>;
  body: any;
}

/** A model's record as the management API's `GET v1/inferenceapis/{project}/{model}` returns it. */
export type InferenceApiRecord = {
  serviceID: string;
  projectID: string;
  modelName: string;
  name: string;
  connectionURL: string;
  internalConnectionURL: string;
  hostingPlatform: string;
};

export interface FakeAi {
  /** Server root, e.g. http://127.0.0.1:41234 */
  url: string;
  /** OpenAI-compatible base URL (`<url>/openai/v1`). */
  openaiUrl: string;
  /** Bedrock-shaped endpoint (`<url>/bedrock`). */
  bedrockUrl: string;
  /** Every model request, in arrival order. */
  requests: CapturedAiRequest[];
  /** The most model requests that were in progress at once. */
  readonly peakConcurrency: number;
  /** The next `times` model requests get `status` (with `Retry-After` when given) instead of an answer. */
  failNext(times: number, status: number, retryAfter?: string): void;
  /** The next `times` model requests get no answer until the fake closes. */
  stallNext(times: number): void;
  /** The record `GET v1/inferenceapis/{project}/{model}` of the management API would return for a model served here. */
  inferenceApiInfo(modelName: string, hostingPlatform: string, project?: string): InferenceApiRecord;
  close(): Promise<void>;
}

type Message = { role: string; content: unknown };

/** The text of the last user turn, in either protocol's message shape. */
function lastUserText(messages: Message[]): string {
  const user = [...messages].reverse().find((m) => m.role === 'user');
  if (!user) return '';
  if (typeof user.content === 'string') return user.content;
  if (Array.isArray(user.content)) {
    return user.content.map((b: { text?: string; type?: string }) => b.text ?? '').join('');
  }
  return '';
}

function promptTokens(messages: Message[]): number {
  return messages.reduce((n, m) => n + fakeTokenCount(typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '')), 0);
}

/** The text of a tool result when the conversation ends with one (either protocol's shape), else undefined. */
function trailingToolResult(messages: Message[]): string | undefined {
  const last = messages[messages.length - 1];
  if (!last) return undefined;
  if (last.role === 'tool') return typeof last.content === 'string' ? last.content : JSON.stringify(last.content);
  if (last.role === 'user' && Array.isArray(last.content)) {
    const result = last.content.find((b: { toolResult?: unknown }) => b.toolResult) as
      | { toolResult: { content?: Array<{ text?: string; json?: unknown }> } }
      | undefined;
    if (result) return (result.toolResult.content ?? []).map((c) => c.text ?? JSON.stringify(c.json)).join('');
  }
  return undefined;
}

/**
 * What the fake model does: after a tool result, report it ("tool said: <result>"); asked to
 * "call <arg>" with tools offered, call the first tool with `{query: arg}`; else reverse the
 * last user message.
 */
function answer(messages: Message[], toolName: string | undefined): { reply: string; tool?: { name: string; args: string } } {
  const result = trailingToolResult(messages);
  if (result !== undefined) return { reply: `tool said: ${result}` };
  const text = lastUserText(messages);
  const m = /^call (.*)$/s.exec(text);
  if (m && toolName) return { reply: '', tool: { name: toolName, args: JSON.stringify({ query: m[1] }) } };
  return { reply: fakeReply(text) };
}

/** Splits a reply into the pieces a stream sends (three code points each). */
function pieces(text: string): string[] {
  const cps = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < cps.length; i += 3) out.push(cps.slice(i, i + 3).join(''));
  return out;
}

function splitBytes(chunks: Uint8Array[], size: number): Readable {
  const all = Buffer.concat(chunks);
  const parts: Buffer[] = [];
  for (let i = 0; i < all.length; i += size) parts.push(all.subarray(i, i + size));
  return Readable.from(parts);
}

/** A body that sends `head` and then nothing more, without ending (until the fake closes). */
function stalledAfter(head: Uint8Array[], open: Set<Readable>): Readable {
  const body = new Readable({ read() {} });
  body.push(Buffer.concat(head));
  open.add(body);
  return body;
}

/**
 * An offline stand-in for SingleStore's inference endpoints: OpenAI-compatible chat (with SSE
 * streaming) and embeddings (float or base64) under `/openai/v1`, and the Bedrock Runtime routes
 * (converse, converse-stream, invoke, invoke-with-response-stream) under `/bedrock`. Replies and
 * vectors are deterministic; every request's headers and body are captured.
 */
export async function startFakeAi(options: FakeAiOptions = {}): Promise<FakeAi> {
  const dimension = options.dimension ?? 16;
  const pieceBytes = options.streamPieceBytes ?? 7;
  const requests: CapturedAiRequest[] = [];
  const failures: Array<{ status: number; retryAfter?: string }> = [];
  let stalls = 0;
  const stalled: Array<() => void> = [];
  const openBodies = new Set<Readable>();
  let inFlight = 0;
  let peakConcurrency = 0;
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 64 * 1024 * 1024 });

  /** Captures the request and applies auth and injected failures; true when the route should answer. */
  async function admit(req: FastifyRequest, reply: FastifyReply, route: CapturedAiRequest['route'], bedrock: boolean): Promise<boolean> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
    const params = req.params as { id?: string };
    requests.push({ method: req.method, path: req.url, route, modelId: params.id, headers, body: req.body });
    peakConcurrency = Math.max(peakConcurrency, ++inFlight);
    reply.raw.once('close', () => inFlight--);
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    if (stalls > 0) {
      stalls--;
      await new Promise<void>((resolve) => stalled.push(resolve));
      reply.code(503).send({ message: 'fake closed' });
      return false;
    }
    const failure = failures.shift();
    if (failure) {
      if (failure.retryAfter !== undefined) reply.header('retry-after', failure.retryAfter);
      reply
        .code(failure.status)
        .send(bedrock ? { message: `injected ${failure.status}` } : { error: { message: `injected ${failure.status}`, type: 'server_error', code: null } });
      return false;
    }
    if (options.token != null && headers.authorization !== `Bearer ${options.token}`) {
      if (bedrock)
        reply.header('x-amzn-errortype', 'UnrecognizedClientException').code(403).send({ message: 'The security token included in the request is invalid.' });
      else reply.code(401).send({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
      return false;
    }
    return true;
  }

  app.post('/openai/v1/chat/completions', async (req, reply) => {
    if (!(await admit(req, reply, 'chat', false))) return reply;
    const body = req.body as {
      model: string;
      messages: Message[];
      stream?: boolean;
      tools?: Array<{ function: { name: string } }>;
      stream_options?: { include_usage?: boolean };
      response_format?: { type?: string };
    };
    const text = lastUserText(body.messages ?? []);
    const answered = answer(body.messages ?? [], body.tools?.[0]?.function.name);
    const { tool } = answered;
    // JSON mode: the reply wrapped in an object, so a client can check it asked for JSON
    const json = body.response_format?.type === 'json_object' || body.response_format?.type === 'json_schema';
    const content = json && !tool ? JSON.stringify({ reply: answered.reply }) : answered.reply;
    const usage = { prompt_tokens: promptTokens(body.messages ?? []), completion_tokens: fakeTokenCount(content), total_tokens: 0 };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const finish = tool ? 'tool_calls' : 'stop';
    const base = { id: 'chatcmpl-fake', created: 1_700_000_000, model: body.model };
    const toolCalls = tool ? [{ index: 0, id: 'call_fake_0', type: 'function', function: { name: tool.name, arguments: tool.args } }] : undefined;
    if (!body.stream) {
      return reply.send({
        ...base,
        object: 'chat.completion',
        choices: [
          { index: 0, message: { role: 'assistant', content: tool ? null : content, ...(toolCalls ? { tool_calls: toolCalls } : {}) }, finish_reason: finish },
        ],
        usage,
      });
    }
    const chunk = (delta: unknown, finishReason: string | null) => ({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    });
    const events: unknown[] = [chunk({ role: 'assistant', content: '' }, null)];
    if (text === 'stall mid-stream') {
      const head = `data: ${JSON.stringify(events[0])}\n\ndata: ${JSON.stringify(chunk({ content: 'partial' }, null))}\n\n`;
      return reply.header('content-type', 'text/event-stream').send(stalledAfter([Buffer.from(head)], openBodies));
    }
    if (text === 'fail mid-stream') {
      events.push(chunk({ content: 'partial' }, null), { error: { message: 'model crashed mid-stream', type: 'server_error' } });
    } else if (toolCalls) {
      const args = toolCalls[0]!.function.arguments;
      events.push(chunk({ tool_calls: [{ ...toolCalls[0], function: { name: tool!.name, arguments: '' } }] }, null));
      for (const part of pieces(args)) events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }, null));
      events.push(chunk({}, finish));
    } else {
      for (const part of pieces(content)) events.push(chunk({ content: part }, null));
      events.push(chunk({}, finish));
    }
    if (body.stream_options?.include_usage) events.push({ ...base, object: 'chat.completion.chunk', choices: [], usage });
    const sse = events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';
    return reply.header('content-type', 'text/event-stream').send(splitBytes([Buffer.from(sse)], pieceBytes));
  });

  app.post('/openai/v1/embeddings', async (req, reply) => {
    if (!(await admit(req, reply, 'embeddings', false))) return reply;
    const body = req.body as { model: string; input: unknown; encoding_format?: string; dimensions?: unknown };
    const input = body.input;
    const inputs: Array<string | number[]> =
      typeof input === 'string'
        ? [input]
        : Array.isArray(input) && input.length > 0 && typeof input[0] === 'number'
          ? [input as number[]]
          : (input as Array<string | number[]>);
    if (!Array.isArray(inputs) || inputs.length === 0)
      return reply.code(400).send({ error: { message: "'input' must be a non-empty string or array", type: 'invalid_request_error' } });
    const tooLong = options.maxInputLength !== undefined ? inputs.findIndex((x) => x.length > options.maxInputLength!) : -1;
    if (tooLong >= 0) {
      return reply
        .code(400)
        .send({ error: { message: `input ${tooLong} is longer than the maximum context length ${options.maxInputLength}`, type: 'invalid_request_error' } });
    }
    const tokens = inputs.reduce((n, x) => n + (typeof x === 'string' ? fakeTokenCount(x) : x.length), 0);
    const maxTokens = options.maxTokensPerRequest ?? 300_000;
    if (tokens > maxTokens) {
      return reply.code(400).send({
        error: {
          message: `Requested ${tokens} tokens, max ${maxTokens} tokens per request`,
          type: 'max_tokens_per_request',
          param: null,
          code: 'max_tokens_per_request',
        },
      });
    }
    // `dimensions` shortens the vectors, as OpenAI's text-embedding-3 models do.
    const length = body.dimensions === undefined ? dimension : Number(body.dimensions);
    if (!(Number.isInteger(length) && length >= 1)) {
      return reply
        .code(400)
        .send({ error: { message: `Invalid 'dimensions': ${JSON.stringify(body.dimensions)}`, type: 'invalid_request_error', param: 'dimensions' } });
    }
    const base64 = body.encoding_format === 'base64';
    const data = inputs.map((x, index) => {
      const v = fakeEmbedding(x, length);
      return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v };
    });
    return reply.send({ object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  });

  type ConverseBody = { messages: Message[]; system?: Array<{ text: string }>; toolConfig?: { tools?: Array<{ toolSpec: { name: string } }> } };
  function converse(body: ConverseBody) {
    const text = lastUserText(body.messages ?? []);
    const result = answer(body.messages ?? [], body.toolConfig?.tools?.[0]?.toolSpec.name);
    const inputTokens = promptTokens(body.messages ?? []) + (body.system ?? []).reduce((n, s) => n + fakeTokenCount(s.text), 0);
    const outputTokens = fakeTokenCount(result.reply);
    return { text, ...result, usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens } };
  }

  app.post('/bedrock/model/:id/converse', async (req, reply) => {
    if (!(await admit(req, reply, 'converse', true))) return reply;
    const r = converse(req.body as ConverseBody);
    const content = r.tool ? [{ toolUse: { toolUseId: 'tooluse_fake_0', name: r.tool.name, input: JSON.parse(r.tool.args) } }] : [{ text: r.reply }];
    return reply.send({
      output: { message: { role: 'assistant', content } },
      stopReason: r.tool ? 'tool_use' : 'end_turn',
      usage: r.usage,
      metrics: { latencyMs: 0 },
    });
  });

  app.post('/bedrock/model/:id/converse-stream', async (req, reply) => {
    if (!(await admit(req, reply, 'converse-stream', true))) return reply;
    const r = converse(req.body as ConverseBody);
    const frames: Uint8Array[] = [bedrockEvent('messageStart', { role: 'assistant' })];
    if (r.text === 'stall mid-stream') {
      frames.push(bedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'partial' } }));
      return reply.header('content-type', 'application/vnd.amazon.eventstream').send(stalledAfter(frames, openBodies));
    }
    if (r.text === 'fail mid-stream') {
      frames.push(
        bedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'partial' } }),
        bedrockException('modelStreamErrorException', 'model crashed mid-stream'),
      );
    } else {
      if (r.tool) {
        frames.push(bedrockEvent('contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tooluse_fake_0', name: r.tool.name } } }));
        for (const part of pieces(r.tool.args)) frames.push(bedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: part } } }));
      } else {
        for (const part of pieces(r.reply)) frames.push(bedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: part } }));
      }
      frames.push(
        bedrockEvent('contentBlockStop', { contentBlockIndex: 0 }),
        bedrockEvent('messageStop', { stopReason: r.tool ? 'tool_use' : 'end_turn' }),
        bedrockEvent('metadata', { usage: r.usage, metrics: { latencyMs: 0 } }),
      );
    }
    return reply.header('content-type', 'application/vnd.amazon.eventstream').send(splitBytes(frames, pieceBytes));
  });

  type InvokeBody = {
    texts?: string[];
    inputText?: string;
    dimensions?: number;
    output_dimension?: number;
    taskType?: string;
    singleEmbeddingParams?: { text?: { value?: string }; embeddingDimension?: number };
  };
  /**
   * InvokeModel bodies by model family, in Bedrock's shapes: Cohere (`cohere.` ids) batches
   * texts (Embed v4 answers `embeddings: { float }` and takes `output_dimension`), Amazon Nova
   * embedding models take one `SINGLE_EMBEDDING` task, Titan one `inputText` (and `dimensions`).
   */
  function invoke(modelId: string, body: InvokeBody): { status: number; json: unknown } {
    if (/(^|\.)cohere\./.test(modelId)) {
      if (!Array.isArray(body.texts)) return { status: 400, json: { message: 'Malformed input request: required key [texts] not found' } };
      if (modelId.includes('cohere.embed-v4')) {
        const vectors = body.texts.map((t) => fakeEmbedding(t, body.output_dimension ?? dimension));
        return { status: 200, json: { id: 'fake', texts: body.texts, embeddings: { float: vectors }, response_type: 'embeddings_by_type' } };
      }
      return {
        status: 200,
        json: { id: 'fake', texts: body.texts, embeddings: body.texts.map((t) => fakeEmbedding(t, dimension)), response_type: 'embeddings_floats' },
      };
    }
    if (/(^|\.)amazon\.nova.*embed/.test(modelId)) {
      const text = body.singleEmbeddingParams?.text?.value;
      if (body.taskType !== 'SINGLE_EMBEDDING' || typeof text !== 'string') {
        return { status: 400, json: { message: 'Malformed input request: required key [taskType] not found' } };
      }
      const embedding = fakeEmbedding(text, body.singleEmbeddingParams?.embeddingDimension ?? dimension);
      return { status: 200, json: { embeddings: [{ embeddingType: 'TEXT', embedding }] } };
    }
    if (typeof body.inputText !== 'string') return { status: 400, json: { message: 'Malformed input request: required key [inputText] not found' } };
    return {
      status: 200,
      json: { embedding: fakeEmbedding(body.inputText, body.dimensions ?? dimension), inputTextTokenCount: fakeTokenCount(body.inputText) },
    };
  }

  app.post('/bedrock/model/:id/invoke', async (req, reply) => {
    if (!(await admit(req, reply, 'invoke', true))) return reply;
    const r = invoke((req.params as { id: string }).id, req.body as object);
    return reply.code(r.status).send(r.json);
  });

  app.post('/bedrock/model/:id/invoke-with-response-stream', async (req, reply) => {
    if (!(await admit(req, reply, 'invoke-with-response-stream', true))) return reply;
    const r = invoke((req.params as { id: string }).id, req.body as object);
    if (r.status !== 200) return reply.code(r.status).send(r.json);
    const bytes = Buffer.from(JSON.stringify(r.json)).toString('base64');
    return reply.header('content-type', 'application/vnd.amazon.eventstream').send(splitBytes([bedrockEvent('chunk', { bytes })], pieceBytes));
  });

  app.get('/health', async () => ({ status: 'ok' }));

  const url = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
  return {
    url,
    openaiUrl: `${url}/openai/v1`,
    bedrockUrl: `${url}/bedrock`,
    requests,
    get peakConcurrency() {
      return peakConcurrency;
    },
    failNext(times, status, retryAfter) {
      for (let i = 0; i < times; i++) failures.push({ status, retryAfter });
    },
    stallNext(times) {
      stalls += times;
    },
    inferenceApiInfo(modelName, hostingPlatform, project = 'fake-project') {
      const endpoint = hostingPlatform === 'Amazon' ? `${url}/bedrock` : `${url}/openai/v1`;
      return {
        serviceID: `svc-${modelName}`,
        projectID: project,
        modelName,
        name: modelName,
        connectionURL: endpoint,
        internalConnectionURL: endpoint,
        hostingPlatform,
      };
    },
    async close() {
      for (const release of stalled.splice(0)) release();
      for (const body of openBodies) body.destroy();
      await app.close();
    },
  };
}
