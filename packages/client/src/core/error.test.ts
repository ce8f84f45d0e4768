import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  BadRequestError,
  GpuShopperError,
  InternalServerError,
  SessionTerminalError,
  UnprocessableEntityError,
} from './error.js';
import { buildSession } from '../testing/scripted-fetch.js';

describe('APIError.generate', () => {
  it('carries code, message, request id and details from the envelope', () => {
    const body = {
      error: { code: 'VALIDATION_FAILED', message: 'invalid body', request_id: 'req_env', details: [{ path: 'reservation_hours', message: 'too big' }] },
    };
    const error = APIError.generate(400, body, new Headers({ 'x-request-id': 'req_header' }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toBe('400 VALIDATION_FAILED: invalid body');
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.requestID).toBe('req_env');
    expect(error.details).toEqual([{ path: 'reservation_hours', message: 'too big' }]);
    expect(error.error?.message).toBe('invalid body');
    expect(error.name).toBe('BadRequestError');
  });

  it('falls back to the x-request-id header, and keeps a body that is not an envelope', () => {
    const error = APIError.generate(502, '<html>Bad Gateway</html>', new Headers({ 'x-request-id': 'req_proxy' }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect([error.code, error.requestID, error.body]).toEqual([null, 'req_proxy', '<html>Bad Gateway</html>']);
    expect(error.message).toBe('502 <html>Bad Gateway</html>');
    expect(error.details).toEqual([]);
  });

  it('says so when there is no body', () => {
    expect(APIError.generate(500, undefined, new Headers()).message).toBe('500 status code (no body)');
  });

  it('keeps codes the SDK does not know yet', () => {
    const error = APIError.generate(422, { error: { code: 'GPU_TOO_HOT', message: 'later', request_id: 'r' } }, new Headers());
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.code).toBe('GPU_TOO_HOT');
  });

  it('maps statuses outside the table to APIError, and no status to APIConnectionError', () => {
    expect(APIError.generate(418, undefined, new Headers()).constructor).toBe(APIError);
    expect(APIError.generate(undefined, undefined, undefined)).toBeInstanceOf(APIConnectionError);
  });
});

describe('error hierarchy', () => {
  it('lets one instanceof catch everything', () => {
    const timeout = new APIConnectionTimeoutError();
    expect(timeout).toBeInstanceOf(APIConnectionError);
    expect(timeout).toBeInstanceOf(APIError);
    expect(timeout).toBeInstanceOf(GpuShopperError);
    expect(timeout.status).toBeUndefined();
    expect([timeout.name, timeout.message]).toEqual(['APIConnectionTimeoutError', 'Request timed out.']);
    expect(new APIUserAbortError()).toBeInstanceOf(APIError);
  });

  it('SessionTerminalError carries the session, its error_type and retry_suggested', () => {
    const session = buildSession({ status: 'failed', error: 'no SSH after 10 min', error_type: 'ssh_timeout', retry_suggested: true });
    const error = new SessionTerminalError({ ...session, status: 'failed' });
    expect([error.sessionStatus, error.errorType, error.retrySuggested]).toEqual(['failed', 'ssh_timeout', true]);
    expect(error.message).toBe('session ses_1 is failed (ssh_timeout): no SSH after 10 min');
    expect(error).toBeInstanceOf(GpuShopperError);
  });
});
