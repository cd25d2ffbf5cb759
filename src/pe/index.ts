/** Tolerant PE reader, Authenticode and PE anomalies (see readme.md). */
export { parsePe, looksLikePe, PE_READER_ID } from './parse.js';
export type { PeInfo, PeSection, PeImport, PeAuthenticode, ParsePeOptions } from './parse.js';
export { parsePkcs7, parseCertificateTable, authenticodeDigest } from './authenticode.js';
export type { WinCertificate, AuthenticodeSignature } from './authenticode.js';
export { peAnomalies } from './anomalies.js';
export type { PeAnomaly } from './anomalies.js';
