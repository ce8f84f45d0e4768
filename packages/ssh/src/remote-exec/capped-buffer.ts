/**
 * Collects a stream's bytes up to a limit and counts what it dropped, so a command that prints
 * gigabytes (a runaway log, `cat` of a model file) cannot exhaust the service's memory.
 */
export class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly limitBytes: number) {}

  push(chunk: Buffer): void {
    const room = this.limitBytes - this.kept;
    if (room <= 0) {
      this.dropped += chunk.length;
      return;
    }
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
    this.dropped += chunk.length - part.length;
  }

  get droppedBytes(): number {
    return this.dropped;
  }

  /** Decoded once at the end, so multi-byte UTF-8 characters split across chunks stay intact. */
  text(): string {
    return Buffer.concat(this.chunks, this.kept).toString('utf8');
  }
}
