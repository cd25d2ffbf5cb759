/**
 * `chainhunt worker` (runs ingest jobs that `chainhunt serve --nats` publishes) and the serve
 * extension that puts the server's jobs on NATS JetStream when `--nats` is given.
 */
import type { Command } from 'commander';
import { ScanError } from '../../core/errors.js';
import { NatsQueue } from '../../server/jobs/nats.js';
import { runWorker } from '../../server/worker/worker.js';
import type { ServeExtension } from './serve.js';

function positive(name: string, max: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || n > max)
      throw new ScanError('usage', `${name}: not a number in (0, ${max}]: ${v}`);
    return n;
  };
}

/** With `--nats URL`, the server's jobs go through NATS JetStream (decision 0010). */
export const natsServeExtension: ServeExtension = (o, flags) => {
  const url = flags['nats'];
  if (typeof url !== 'string' || url === '') return;
  const ackWait = flags['natsAckWait'];
  const ackWaitMs = typeof ackWait === 'number' ? Math.round(ackWait * 1000) : undefined;
  o.queue = (ctx) => new NatsQueue(ctx, { url, ...(ackWaitMs ? { ackWaitMs } : {}) });
};

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'run ingest jobs of `chainhunt serve --nats`: pull them from NATS JetStream, collect here, post the observations back',
    )
    .requiredOption('--server <url>', 'the server (http://host:port)')
    .option(
      '--token <token>',
      'a worker token (admin token-create --purpose worker); default $CHAINHUNT_WORKER_TOKEN',
    )
    .requiredOption('--nats <url>', 'NATS URL(s), comma-separated')
    .option('--concurrency <n>', 'jobs at once', positive('--concurrency', 64), 1)
    .option('--tmp <dir>', 'folder for jobs’ temporary files (default: the system’s)')
    .action(
      async (flags: { server: string; token?: string; nats: string; concurrency: number; tmp?: string }) => {
        const token = flags.token ?? process.env['CHAINHUNT_WORKER_TOKEN'];
        if (!token)
          throw new ScanError('usage', 'a worker token is needed: --token or CHAINHUNT_WORKER_TOKEN');
        if (!/^https?:\/\/[^\s]+$/.test(flags.server))
          throw new ScanError('usage', `not an http(s) URL: ${flags.server}`);
        const abort = new AbortController();
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          abort.abort();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        try {
          await runWorker({
            server: flags.server,
            token,
            nats: flags.nats,
            concurrency: Math.floor(flags.concurrency),
            ...(flags.tmp ? { tmpDir: flags.tmp } : {}),
            signal: abort.signal,
          });
        } catch (err) {
          throw new ScanError('config', (err as Error).message);
        } finally {
          stop();
        }
      },
    );
}
