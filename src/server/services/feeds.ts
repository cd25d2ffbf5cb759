/**
 * Feed subscriptions wired to the server: the scheduler polls each feed; structured documents are
 * imported as intel of the feed's tenant (or of all tenants) and trigger retro-hunts; prose items
 * go to the review queue. Feed state is saved after every poll.
 */
import { randomUUID } from 'node:crypto';
import type { ServerContext } from '../context.js';
import {
  FeedScheduler,
  parseFeedConfig,
  parseFeedState,
  pollFeed,
  type FeedConfig,
  type FeedDocument,
  type ImportCounts,
  type PollResult,
} from '../feeds/index.js';
import { queueHunts } from '../routes/intel.js';

export class FeedService {
  private readonly scheduler: FeedScheduler;

  constructor(private readonly ctx: () => ServerContext) {
    this.scheduler = new FeedScheduler({
      // importIntel is bound per feed in `poll` below (the document goes to that feed's tenant).
      deps: { importIntel: () => Promise.reject(new Error('unbound importer')) },
      poll: (config, state, deps) =>
        pollFeed(config, state, { ...deps, importIntel: (doc) => this.importFor(config, doc) }),
      saveState: (id, state) =>
        this.ctx().state.setFeedState(id, state as unknown as Record<string, unknown>),
      onResult: (config, result) => this.handle(config, result),
    });
  }

  private async importFor(config: FeedConfig, doc: FeedDocument): Promise<ImportCounts> {
    const c = this.ctx();
    const r = await c.intel.add(
      config.tenant ?? null,
      doc.name,
      Buffer.from(doc.content),
      `feed:${config.id}`,
      c.now(),
    );
    if ('refused' in r) return { advisories: 0, indicators: 0, rules: 0, issues: r.issues };
    const counts = r.source.counts ?? {};
    return {
      advisories: counts['advisories'] ?? 0,
      indicators: counts['indicators'] ?? 0,
      rules: counts['rules'] ?? 0,
      issues: r.issues,
    };
  }

  private async handle(config: FeedConfig, result: PollResult): Promise<void> {
    const c = this.ctx();
    const at = c.now();
    for (const r of result.reviews)
      await c.state.addReview({
        id: randomUUID(),
        tenant: config.tenant ?? null,
        source: `feed:${config.id}`,
        title: r.title,
        link: r.link ?? null,
        text: r.text.slice(0, 200_000),
        draft: r.draft as unknown as Record<string, unknown>,
        state: 'pending',
        createdAt: at,
        decidedBy: null,
        decidedAt: null,
      });
    await c.state.audit({
      at,
      actor: `feed:${config.id}`,
      tenant: config.tenant ?? null,
      action: result.ok ? 'feed.poll' : 'feed.poll_failed',
      target: config.id,
      ip: null,
      detail: {
        notModified: result.notModified,
        imported: result.imported.length,
        reviews: result.reviews.length,
        issues: result.issues.slice(0, 20).map((i) => i.message),
      },
    });
    if (result.imported.length > 0) {
      const tenants = config.tenant ? [config.tenant] : (await c.state.tenants()).map((t) => t.id);
      await queueHunts(c, tenants, `feed ${config.id} imported ${result.imported.length} documents`);
    }
  }

  /** Loads the stored subscriptions and starts polling. */
  async start(): Promise<void> {
    for (const f of await this.ctx().state.feeds()) {
      const c = parseFeedConfig(f.config);
      if (c.ok) this.scheduler.upsert(c.config, parseFeedState(f.state));
    }
    this.scheduler.start();
  }

  add(config: FeedConfig): void {
    this.scheduler.upsert(config);
  }

  remove(id: string): void {
    this.scheduler.remove(id);
  }

  /** Polls now and handles the result as a scheduled poll would. */
  pollNow(id: string): Promise<PollResult> {
    return this.scheduler.pollNow(id);
  }

  stop(): Promise<void> {
    return this.scheduler.stop();
  }
}
