import { bearerToken } from './authenticate.js';

describe('bearerToken: the one reading of the Authorization header', () => {
  it.each([
    ['Bearer abc123', 'abc123'],
    ['bearer abc123', 'abc123'],
    ['BEARER   abc123  ', 'abc123'],
    ['Bearer', undefined],
    ['Bearer ', undefined],
    ['Bearer two tokens', undefined],
    ['Basic dXNlcjpwYXNz', undefined],
    ['abc123', undefined],
    ['', undefined],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
