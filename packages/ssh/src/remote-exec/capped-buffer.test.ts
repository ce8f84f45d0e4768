import { CappedBuffer } from './capped-buffer.js';

describe('CappedBuffer', () => {
  it('keeps bytes up to the limit and counts the rest', () => {
    const buffer = new CappedBuffer(5);
    buffer.push(Buffer.from('abc'));
    buffer.push(Buffer.from('defg'));
    buffer.push(Buffer.from('hij'));
    expect(buffer.text()).toBe('abcde');
    expect(buffer.droppedBytes).toBe(5);
  });

  it('decodes UTF-8 characters split across chunks', () => {
    const buffer = new CappedBuffer(100);
    const bytes = Buffer.from('°C → ok');
    buffer.push(bytes.subarray(0, 1));
    buffer.push(bytes.subarray(1));
    expect(buffer.text()).toBe('°C → ok');
  });
});
