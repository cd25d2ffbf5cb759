import { createHash } from 'node:crypto';

/** Digests of one buffer, computed in one pass per algorithm. */
export interface Digests {
  sha256: string;
  sha1: string;
  md5: string;
}

export function digests(data: Uint8Array): Digests {
  return {
    sha256: createHash('sha256').update(data).digest('hex'),
    sha1: createHash('sha1').update(data).digest('hex'),
    md5: createHash('md5').update(data).digest('hex'),
  };
}

/** Streaming digests: feed chunks, then `done()`. One read feeds all three. */
export class MultiHasher {
  private readonly h256 = createHash('sha256');
  private readonly h1 = createHash('sha1');
  private readonly h5 = createHash('md5');
  update(chunk: Uint8Array): void {
    this.h256.update(chunk);
    this.h1.update(chunk);
    this.h5.update(chunk);
  }
  done(): Digests {
    return { sha256: this.h256.digest('hex'), sha1: this.h1.digest('hex'), md5: this.h5.digest('hex') };
  }
}

/** Short stable id: first 16 hex chars of sha256 over the parts joined by NUL. */
export function stableId(...parts: (string | number | undefined)[]): string {
  return createHash('sha256')
    .update(parts.map((p) => (p === undefined ? '' : String(p))).join('\u0000'))
    .digest('hex')
    .slice(0, 16);
}
