import { SessionErrorReason } from '@switchboard/contracts';
import { FakeMetaGraphApi, freeLoopbackPort } from '@switchboard/testing';
import type { AppException } from '../common/app.exception';
import { MetaCredentialsChecker, metaGraphOptionsFromEnv } from './meta-credentials.checker';

const PHONE = {
  phoneNumberId: '106540352242922',
  wabaId: '102290129340398',
  displayPhoneNumber: '+62 812-3456-7890',
  verifiedName: 'Toko Maju',
  accessToken: 'EAAG-good',
  qualityRating: 'YELLOW' as const,
};

describe('MetaCredentialsChecker', () => {
  const meta = new FakeMetaGraphApi();
  let sut: MetaCredentialsChecker;

  beforeAll(async () => {
    meta.addPhoneNumber(PHONE);
    await meta.start();
    sut = new MetaCredentialsChecker(metaGraphOptionsFromEnv({ META_GRAPH_URL: meta.origin }));
  });
  afterAll(() => meta.stop());

  const credentials = { access_token: PHONE.accessToken, phone_number_id: PHONE.phoneNumberId };

  it('reads the number from Graph with the bearer token', async () => {
    await expect(sut.check({ ...credentials, waba_id: PHONE.wabaId })).resolves.toEqual({
      phoneNumber: '+6281234567890',
      verifiedName: 'Toko Maju',
      qualityRating: 'YELLOW',
      apiVersion: 'v21.0',
    });
    const request = meta.requests.at(-1)!;
    expect(request).toMatchObject({
      method: 'GET',
      path: `/v21.0/${PHONE.phoneNumberId}`,
      bearerTokenPresent: true,
      status: 200,
    });
    // The token travels in the header, never in the URL.
    expect(request.query).toEqual({ fields: 'display_phone_number,verified_name,quality_rating' });
  });

  it("refuses a wrong token with Meta's message and code (422)", async () => {
    const error = (await sut
      .check({ ...credentials, waba_id: PHONE.wabaId, access_token: 'EAAG-wrong' })
      .catch((e: unknown) => e)) as AppException;
    expect(error.getStatus()).toBe(422);
    expect(error.message).toMatch(/Invalid OAuth access token/);
    expect(error.details).toMatchObject({
      reason: SessionErrorReason.META_CREDENTIALS_REJECTED,
      meta_code: 190,
    });
  });

  it('answers 503 when Graph cannot be reached', async () => {
    const offline = new MetaCredentialsChecker(
      metaGraphOptionsFromEnv({ META_GRAPH_URL: `http://127.0.0.1:${await freeLoopbackPort()}` }),
    );
    const error = (await offline
      .check({ ...credentials, waba_id: PHONE.wabaId })
      .catch((e: unknown) => e)) as AppException;
    expect(error.getStatus()).toBe(503);
    expect(error.details).toEqual({ reason: SessionErrorReason.META_UNAVAILABLE });
  });

  it('validates its settings, naming the variable', () => {
    expect(metaGraphOptionsFromEnv({})).toMatchObject({
      baseUrl: 'https://graph.facebook.com',
      defaultVersion: 'v21.0',
    });
    expect(() => metaGraphOptionsFromEnv({ META_GRAPH_URL: 'ftp://graph' })).toThrow(
      /META_GRAPH_URL/,
    );
    expect(() => metaGraphOptionsFromEnv({ META_GRAPH_VERSION: '21' })).toThrow(
      /META_GRAPH_VERSION/,
    );
  });
});
