/**
 * Reading the `.json` members of an in-memory zip (OSV's `all.zip` layout: one record per member),
 * with caps on the member count, each member's size and the total inflated bytes (yauzl validates
 * the declared sizes against the inflated ones, so a lying header stops the read). Never throws.
 */
import yauzl from 'yauzl';

/** Caps of {@link readZipJson}. */
export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
}

/** One `.json` member. */
export interface ZipMember {
  name: string;
  content: Buffer;
}

/** True when bytes start with a zip local-file header. */
export function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/** Reads the `.json` members; `error` is set when the archive stopped being readable or a cap was hit. */
export function readZipJson(
  buf: Uint8Array,
  limits: ZipLimits,
): Promise<{ members: ZipMember[]; error?: string }> {
  return new Promise((resolve) => {
    const members: ZipMember[] = [];
    let total = 0;
    let entries = 0;
    let settled = false;
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      resolve(error === undefined ? { members } : { members, error });
    };
    yauzl.fromBuffer(
      Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength),
      { lazyEntries: true, validateEntrySizes: true, decodeStrings: false },
      (err, zip) => {
        if (err || !zip) {
          finish(`not a readable zip archive: ${err?.message ?? 'unknown error'}`);
          return;
        }
        const stop = (msg: string): void => {
          zip.close();
          finish(msg);
        };
        zip.on('error', (e: Error) => stop(`zip archive unreadable: ${e.message}`));
        zip.on('end', () => finish());
        zip.on('entry', (e: yauzl.Entry) => {
          if (++entries > limits.maxEntries) {
            stop(`more than ${limits.maxEntries} zip members; the rest is ignored`);
            return;
          }
          const name = (e.fileName as unknown as Buffer).toString('utf8');
          if (!name.toLowerCase().endsWith('.json') || name.endsWith('/')) {
            zip.readEntry();
            return;
          }
          if (e.uncompressedSize > limits.maxEntryBytes) {
            stop(`member ${name} inflates to ${e.uncompressedSize} bytes (limit ${limits.maxEntryBytes})`);
            return;
          }
          if (total + e.uncompressedSize > limits.maxTotalBytes) {
            stop(`zip members inflate to more than ${limits.maxTotalBytes} bytes; the rest is ignored`);
            return;
          }
          zip.openReadStream(e, (err2, stream) => {
            if (err2 || !stream) {
              stop(`member ${name} unreadable: ${err2?.message ?? 'unknown error'}`);
              return;
            }
            const chunks: Buffer[] = [];
            let size = 0;
            stream.on('data', (c: Buffer) => {
              size += c.length;
              if (size > limits.maxEntryBytes) {
                stream.destroy();
                stop(`member ${name} inflates beyond ${limits.maxEntryBytes} bytes`);
                return;
              }
              chunks.push(c);
            });
            stream.on('error', (e3: Error) => stop(`member ${name} unreadable: ${e3.message}`));
            stream.on('end', () => {
              total += size;
              members.push({ name, content: Buffer.concat(chunks, size) });
              zip.readEntry();
            });
          });
        });
        zip.readEntry();
      },
    );
  });
}
