import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotSupportedError } from '@s2/base';
import { testServer } from '@s2/testing/vitest';
import { connect } from '@s2/core';

afterEach(() => {
  vi.unstubAllEnvs();
});

/** What connect() does with credential_type 'browser_sso', whose browser login s2 does not have. */
describe("credential_type 'browser_sso'", () => {
  const refusal = async (attempt: Promise<unknown>) => {
    const err = await attempt.then(
      async (conn) => {
        await (conn as { close(): Promise<void> }).close();
        return null;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NotSupportedError);
    expect((err as Error).message).toMatch(/browser_sso.*JWT.*credential_type 'jwt'/);
  };

  it('is refused at connect() instead of logging in with the password as if it were not set', async () => {
    await refusal(connect(testServer().url, { credentialType: 'browser_sso' }));
    await refusal(connect(`${testServer().url}?credential_type=browser_sso`));
  });

  it('is refused when it comes from SINGLESTOREDB_CREDENTIAL_TYPE', async () => {
    vi.stubEnv('SINGLESTOREDB_CREDENTIAL_TYPE', 'browser_sso');
    await refusal(connect(testServer().url));
  });

  it('is refused for the Data API too, before any request', async () => {
    await refusal(connect('https://u:p@db.example.invalid', { credentialType: 'browser_sso' }));
  });
});
