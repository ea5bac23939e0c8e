import { SessionErrorReason } from '@switchboard/contracts';
import { FakeMetaGraphApi, freeLoopbackPort } from '@switchboard/testing';
import type { AppException } from '../../common/app.exception';
import { MetaCredentialsChecker } from './meta-credentials.checker';
import { MetaGraphClient } from './meta-graph.client';

const checkerFor = (baseUrl: string) =>
  new MetaCredentialsChecker(
    new MetaGraphClient({ baseUrl, defaultVersion: 'v21.0', timeoutMs: 10_000 }),
  );

const PHONE = {
  phoneNumberId: '106540352242922',
  wabaId: '102290129340398',
  displayPhoneNumber: '+62 812-3456-7890',
  verifiedName: 'Toko Maju',
  accessToken: 'EAAG-good',
  qualityRating: 'YELLOW' as const,
};

const EXPIRING = { ...PHONE, phoneNumberId: '206540352242922', accessToken: 'EAAG-expiring' };

describe('MetaCredentialsChecker', () => {
  const meta = new FakeMetaGraphApi();
  let sut: MetaCredentialsChecker;

  beforeAll(async () => {
    meta.addPhoneNumber(PHONE);
    meta.addPhoneNumber(EXPIRING);
    await meta.start();
    sut = checkerFor(meta.origin);
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

  it('refuses an expired token with its subcode, and reads the version it was given', async () => {
    meta.expireAccessToken(EXPIRING.phoneNumberId);

    const error = (await sut
      .check({
        access_token: EXPIRING.accessToken,
        phone_number_id: EXPIRING.phoneNumberId,
        waba_id: EXPIRING.wabaId,
        api_version: 'v21.0',
      })
      .catch((e: unknown) => e)) as AppException;

    expect(error.getStatus()).toBe(422);
    expect(error.message).toMatch(/^Meta refused these credentials: .*Session has expired/);
    expect(error.details).toMatchObject({ meta_code: 190, meta_subcode: 463 });
  });

  it('answers 503 when Graph cannot be reached', async () => {
    const offline = checkerFor(`http://127.0.0.1:${await freeLoopbackPort()}`);
    const error = (await offline
      .check({ ...credentials, waba_id: PHONE.wabaId })
      .catch((e: unknown) => e)) as AppException;
    expect(error.getStatus()).toBe(503);
    expect(error.details).toEqual({ reason: SessionErrorReason.META_UNAVAILABLE });
  });
});
