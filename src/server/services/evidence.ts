/**
 * The server's evidence store (DuckDB in `<data>/evidence`), opened once for writing and used one
 * operation at a time. Uploaded bundles are ingested with their tenant forced to the upload's.
 */
import path from 'node:path';
import type { IntelBundle } from '../../core/intel.js';
import { hunt, type HuntFilters, type HuntOutcome } from '../../store/hunt.js';
import { searchEvidence, type SearchQuery, type SearchResult } from '../../store/search.js';
import { ingest, ingestObservations, type IngestResult, type ObservationSource } from '../../store/ingest.js';
import { EvidenceStore } from '../../store/store.js';
import { Mutex } from '../state/sql.js';

export class EvidenceService {
  private readonly lock = new Mutex();

  private constructor(readonly store: EvidenceStore) {}

  static async open(dataDir: string): Promise<EvidenceService> {
    return new EvidenceService(await EvidenceStore.open(path.join(dataDir, 'evidence'), { write: true }));
  }

  ingest(file: string, tenant: string, signal?: AbortSignal): Promise<IngestResult> {
    return this.lock.run(() => ingest(this.store, [file], { tenant, ...(signal ? { signal } : {}) }));
  }

  /** Stores observations collected elsewhere (a worker), filed to `tenant`, in one transaction. */
  ingestObservations(source: ObservationSource, tenant: string): Promise<IngestResult> {
    return this.lock.run(() => ingestObservations(this.store, source, { tenant }));
  }

  hunt(intel: IntelBundle, filters: HuntFilters): Promise<HuntOutcome> {
    return this.lock.run(() => hunt(this.store, intel, filters));
  }

  /** Ad-hoc search of the stored evidence of `tenants` (see src/store/search.ts). */
  search(q: SearchQuery, tenants: readonly string[], limit: number): Promise<SearchResult> {
    return this.lock.run(() => searchEvidence(this.store, q, tenants, limit));
  }

  /** Applications a stored ingest shows for a host (name and version), for case evidence. */
  apps(tenant: string, host: string, ingestId: string): Promise<{ name: string; version: string }[]> {
    return this.lock.run(async () => {
      const r = await this.store.conn.runAndReadAll(
        'SELECT DISTINCT name, version FROM obs_app WHERE tenant = $1 AND host = $2 AND ingest_id = $3 ORDER BY name, version',
        [tenant, host, ingestId],
      );
      return r.getRows().map((row) => ({ name: String(row[0] ?? ''), version: String(row[1] ?? '') }));
    });
  }

  close(): Promise<void> {
    return this.lock.run(() => this.store.close());
  }
}
