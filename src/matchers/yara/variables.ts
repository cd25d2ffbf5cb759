/**
 * LOKI/THOR external variables for one file: `filename` (base name), `filepath` (the directory
 * part, THOR's meaning), `extension` (lower-cased, with the dot), `filetype` (from magic bytes, THOR
 * names such as `EXE`, `ELF`, `ZIP`) and `owner` (empty: the walker does not record owners).
 */
export const EXTERNAL_VARIABLES = {
  filename: '',
  filepath: '',
  extension: '',
  filetype: '',
  owner: '',
} as const;

/** Variable values for one file. */
export type ExternalVariables = Record<keyof typeof EXTERNAL_VARIABLES, string>;

const MAGIC: { type: string; test: (b: Buffer) => boolean }[] = [
  { type: 'EXE', test: (b) => b[0] === 0x4d && b[1] === 0x5a },
  { type: 'ELF', test: (b) => b.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])) },
  {
    type: 'MACH-O',
    test: (b) =>
      b.length >= 4 && [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(b.readUInt32BE(0)),
  },
  { type: 'ZIP', test: (b) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04 },
  { type: 'PDF', test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  { type: 'GIF', test: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  { type: 'JPEG', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    type: 'PNG',
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { type: 'RTF', test: (b) => b.subarray(0, 5).toString('latin1') === '{\\rtf' },
  { type: 'CAB', test: (b) => b.subarray(0, 4).toString('latin1') === 'MSCF' },
  { type: 'MDMP', test: (b) => b.subarray(0, 4).toString('latin1') === 'MDMP' },
  {
    type: 'OLE',
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])),
  },
  { type: 'GZIP', test: (b) => b[0] === 0x1f && b[1] === 0x8b },
  { type: 'RAR', test: (b) => b.subarray(0, 4).toString('latin1') === 'Rar!' },
  { type: '7ZIP', test: (b) => b.subarray(0, 6).equals(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) },
];

/** THOR-style file type from the first bytes; empty when unknown. */
export function fileTypeOf(content: Buffer): string {
  for (const m of MAGIC) if (m.test(content)) return m.type;
  return '';
}

/** External variable values for a file as walked. */
export function variablesFor(path: string, content: Buffer): ExternalVariables {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const filename = i >= 0 ? path.slice(i + 1) : path;
  const filepath = i >= 0 ? path.slice(0, i) : '';
  const dot = filename.lastIndexOf('.');
  const extension = dot > 0 ? filename.slice(dot).toLowerCase() : '';
  return { filename, filepath, extension, filetype: fileTypeOf(content), owner: '' };
}
