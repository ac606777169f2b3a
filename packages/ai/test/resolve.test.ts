import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagementError } from '@s2/base';
import { chatFactory, resolveInferenceEndpoint } from '@s2/ai';
import { fakeReply } from '@s2/fakes/ai';
import { startManagementFake, type ManagementFake } from '@s2/fakes/management';
import { useFakeAi } from './support.js';

const fake = useFakeAi({ token: 'user-jwt' });
let management: ManagementFake;

beforeAll(async () => {
  const f = fake();
  management = await startManagementFake({ token: 'mgmt-key' });
  management.seed.inferenceApi({ ...f.inferenceApiInfo('gpt-fake', 'Azure', 'proj-1'), connectionURL: 'https://public.example/openai/v1' });
  management.seed.inferenceApi(f.inferenceApiInfo('claude-fake', 'Amazon', 'proj-1'));
  management.seed.inferenceApi({ ...f.inferenceApiInfo('no-internal', 'Azure', 'proj-1'), internalConnectionURL: '' });
  management.seed.inferenceApi({ ...f.inferenceApiInfo('null-internal', 'Azure', 'proj-1'), internalConnectionURL: null });
  management.seed.inferenceApi(f.inferenceApiInfo('Qwen/Qwen3-Embedding-0.6B', 'Nova', 'proj-1'));
});
afterAll(() => management.close());

/** The management API calls made since `from`, as `METHOD path` with the token sent. */
const lookups = (from: number) => management.requests.slice(from).map((r) => ({ path: `${r.method} ${r.path}`, authorization: r.headers.authorization }));

const managementEnv = () => ({
  SINGLESTOREDB_PROJECT: 'proj-1',
  SINGLESTOREDB_MANAGEMENT_TOKEN: 'mgmt-key',
  SINGLESTOREDB_MANAGEMENT_BASE_URL: management.url,
});

describe('endpoint resolution (the reference precedence)', () => {
  it('uses the environment alone when both URL and platform are set there, without asking the management API', async () => {
    const before = management.requests.length;
    const env = { ...managementEnv(), SINGLESTOREDB_INFERENCE_API_BASE_URL: 'http://env.example/v1', SINGLESTOREDB_INFERENCE_API_HOSTING_PLATFORM: 'Nova' };
    const ep = await resolveInferenceEndpoint('any-model', { env });
    expect(ep).toEqual({ modelName: 'any-model', url: 'http://env.example/v1', hostingPlatform: 'Nova', info: null });
    expect(management.requests.length).toBe(before);
  });

  it('explicit options win over the environment', async () => {
    const env = { SINGLESTOREDB_INFERENCE_API_BASE_URL: 'http://env.example/v1', SINGLESTOREDB_INFERENCE_API_HOSTING_PLATFORM: 'Nova' };
    const ep = await resolveInferenceEndpoint('m', { env, baseUrl: 'http://opt.example', hostingPlatform: 'Amazon' });
    expect([ep.url, ep.hostingPlatform]).toEqual(['http://opt.example', 'Amazon']);
  });

  it('looks the model up (v1 path, management token) and prefers the internal URL', async () => {
    const before = management.requests.length;
    const ep = await resolveInferenceEndpoint('gpt-fake', { env: managementEnv() });
    expect(ep.url).toBe(`${fake().url}/openai/v1`);
    expect(ep.hostingPlatform).toBe('Azure');
    expect(ep.info?.serviceId).toBe('svc-gpt-fake');
    expect(lookups(before)).toEqual([{ path: 'GET /v1/inferenceapis/proj-1/gpt-fake', authorization: 'Bearer mgmt-key' }]);
  });

  it("keeps a model name's '/' as a path separator, as the reference sends it", async () => {
    const before = management.requests.length;
    const ep = await resolveInferenceEndpoint('Qwen/Qwen3-Embedding-0.6B', { env: managementEnv() });
    expect([ep.url, ep.hostingPlatform]).toEqual([`${fake().url}/openai/v1`, 'Nova']);
    expect(lookups(before).map((c) => c.path)).toEqual(['GET /v1/inferenceapis/proj-1/Qwen/Qwen3-Embedding-0.6B']);
  });

  it('preferExternalUrl picks connectionURL; an empty or null internal URL falls back to it, as the reference', async () => {
    expect((await resolveInferenceEndpoint('gpt-fake', { env: managementEnv(), preferExternalUrl: true })).url).toBe('https://public.example/openai/v1');
    expect((await resolveInferenceEndpoint('no-internal', { env: managementEnv() })).url).toBe(`${fake().url}/openai/v1`);
    expect((await resolveInferenceEndpoint('null-internal', { env: managementEnv() })).url).toBe(`${fake().url}/openai/v1`);
  });

  it('one override alone still triggers the lookup, and the given value wins', async () => {
    const before = management.requests.length;
    const onlyUrl = await resolveInferenceEndpoint('claude-fake', { env: managementEnv(), baseUrl: 'http://override.example' });
    expect([onlyUrl.url, onlyUrl.hostingPlatform]).toEqual(['http://override.example', 'Amazon']);
    const onlyPlatform = await resolveInferenceEndpoint('claude-fake', { env: { ...managementEnv(), SINGLESTOREDB_INFERENCE_API_HOSTING_PLATFORM: 'Nova' } });
    expect([onlyPlatform.url, onlyPlatform.hostingPlatform]).toEqual([`${fake().url}/bedrock`, 'Nova']);
    expect(lookups(before).map((c) => c.path)).toEqual(['GET /v1/inferenceapis/proj-1/claude-fake', 'GET /v1/inferenceapis/proj-1/claude-fake']);
  });

  it('says what is missing (project, token); a failed lookup is a ManagementError', async () => {
    await expect(resolveInferenceEndpoint('gpt-fake', { env: { SINGLESTOREDB_MANAGEMENT_TOKEN: 'k' } })).rejects.toThrow(/SINGLESTOREDB_PROJECT/);
    await expect(resolveInferenceEndpoint('gpt-fake', { env: { SINGLESTOREDB_PROJECT: 'p' } })).rejects.toThrow(ManagementError);
    await expect(resolveInferenceEndpoint('unknown', { env: managementEnv() })).rejects.toThrow(ManagementError);
  });

  it('takes a JWT password from SINGLESTOREDB_URL as the management token', async () => {
    const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const jwt = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'u', exp: 4_000_000_000 })}.c2ln`;
    const fakeForJwt = await startManagementFake({ token: jwt });
    fakeForJwt.seed.inferenceApi(fake().inferenceApiInfo('gpt-fake', 'Azure', 'proj-1'));
    const env = { SINGLESTOREDB_PROJECT: 'proj-1', SINGLESTOREDB_MANAGEMENT_BASE_URL: fakeForJwt.url, SINGLESTOREDB_URL: `admin:${jwt}@host:3306/db` };
    try {
      expect((await resolveInferenceEndpoint('gpt-fake', { env })).hostingPlatform).toBe('Azure');
      expect(fakeForJwt.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${jwt}`]);
    } finally {
      await fakeForJwt.close();
    }
  });

  it('a factory built from the lookup talks to the endpoint it found, for both protocols', async () => {
    const env = { ...managementEnv(), SINGLESTOREDB_USER_TOKEN: 'user-jwt' };
    const openai = await chatFactory({ modelName: 'gpt-fake', env });
    const bedrock = await chatFactory({ modelName: 'claude-fake', env });
    expect((await openai.chat([{ role: 'user', content: 'hello' }])).text).toBe(fakeReply('hello'));
    expect((await bedrock.chat([{ role: 'user', content: 'hello' }])).text).toBe(fakeReply('hello'));
    const [a, b] = fake().requests.slice(-2);
    expect([a!.route, b!.route]).toEqual(['chat', 'converse']);
    expect(b!.modelId).toBe('claude-fake');
  });
});
