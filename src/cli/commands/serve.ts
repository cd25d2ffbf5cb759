/** `chainhunt serve` and `chainhunt admin`: the multi-tenant server and its offline administration. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ScanError } from '../../core/errors.js';
import { createServer, type ServerOptions } from '../../server/app.js';
import { callAdmin, listenAdmin } from '../../server/admin/channel.js';
import { AdminError, ADMIN_OPS, type AdminOp } from '../../server/admin/ops.js';
import { StateStore } from '../../server/state/store.js';
import { ROLES, TOKEN_PURPOSES } from '../../server/state/types.js';
import { TOOL_VERSION } from '../../version.js';

/** Extra server options contributed by other modules (NATS queue, webhooks, feeds, dashboard). */
export type ServeExtension = (o: ServerOptions, flags: Record<string, unknown>) => Promise<void> | void;
const extensions: ServeExtension[] = [];
/** Registers a serve extension (called in program.ts wiring, never as an import side effect). */
export function addServeExtension(e: ServeExtension): void {
  if (!extensions.includes(e)) extensions.push(e);
}

const DEFAULT_DATA = 'chainhunt-data';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ScanError('usage', `not a port: ${v}`);
  return n;
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('run the multi-tenant API server (listens on 127.0.0.1 unless --host says otherwise)')
    .option('--port <n>', 'port (0 = any free port)', port, 8080)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'data folder (uploads, intel, embedded stores)', DEFAULT_DATA)
    .option('--database-url <url>', 'PostgreSQL URL for the state store (default: embedded)')
    .option('--nats <url>', 'NATS URL: jobs go through JetStream to `chainhunt worker` processes')
    .option(
      '--nats-ack-wait <seconds>',
      'with --nats: seconds a silent worker holds a job before redelivery (default 60)',
      (v) => {
        const n = Number(v);
        if (!(n >= 1 && n <= 3600))
          throw new ScanError('usage', `--nats-ack-wait: 1 to 3600 seconds, not ${v}`);
        return n;
      },
    )
    .option('--max-upload <bytes>', 'largest bundle upload in bytes', (v) => Number(v))
    .option('--trust-proxy', 'take client addresses from X-Forwarded-For (behind a reverse proxy)')
    .option(
      '--webhook-any-address',
      'let webhooks call loopback and private addresses (default: public only)',
    )
    .action(
      async (flags: {
        port: number;
        host: string;
        data: string;
        databaseUrl?: string;
        nats?: string;
        maxUpload?: number;
        trustProxy?: boolean;
        webhookAnyAddress?: boolean;
      }) => {
        const o: ServerOptions = {
          dataDir: path.resolve(flags.data),
          databaseUrl: flags.databaseUrl ?? process.env['CHAINHUNT_DATABASE_URL'],
          version: TOOL_VERSION,
          ...(flags.maxUpload ? { limits: { maxUploadBytes: flags.maxUpload } } : {}),
          ...(flags.trustProxy ? { trustProxy: true } : {}),
          webhookAddressPolicy: flags.webhookAnyAddress ? 'any' : 'public-only',
        };
        for (const e of extensions) await e(o, { ...flags });
        const server = await createServer(o);
        const address = await server.app.listen({ port: flags.port, host: flags.host });
        const channel = await listenAdmin(
          {
            state: server.ctx.state,
            dataDir: server.ctx.dataDir,
            now: server.ctx.now,
            submit: (job) => server.ctx.queue.submit(job),
          },
          (m) => void process.stderr.write(`chainhunt: ${m}\n`),
        );
        process.stderr.write(
          `chainhunt: listening on ${address} (store: ${server.ctx.state.engine === 'duckdb' ? 'embedded' : 'postgres'}, jobs: ${server.ctx.queue.kind})\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        await channel?.close();
        await server.close();
      },
    );

  const admin = program
    .command('admin')
    .description(
      'administer the server: tenants, users, tokens, intel (through the running server on --data, or offline)',
    )
    .option('--data <dir>', 'data folder', DEFAULT_DATA)
    .option('--database-url <url>', 'PostgreSQL URL of the state store');

  /**
   * Runs an operation in the server running on --data (its admin channel), or, when none runs
   * there, in this process on the state store itself.
   */
  const runAdmin = async (op: AdminOp, args: object): Promise<void> => {
    const o = admin.opts<{ data: string; databaseUrl?: string }>();
    const dataDir = path.resolve(o.data);
    let answer = await callAdmin(dataDir, op, args).catch((err: Error) => {
      throw new ScanError('config', err.message);
    });
    if (answer === null) {
      const state = await StateStore.open({
        dataDir,
        databaseUrl: o.databaseUrl ?? process.env['CHAINHUNT_DATABASE_URL'],
      }).catch((err: Error) => {
        throw new ScanError('config', `cannot open the state store: ${err.message.split('\n')[0] ?? ''}`);
      });
      try {
        answer = { ok: true, result: await ADMIN_OPS[op]({ state, dataDir, now }, args) };
      } catch (err) {
        if (!(err instanceof AdminError)) throw err;
        answer = { ok: false, error: err.message };
      } finally {
        await state.close();
      }
    }
    if (!answer.ok) throw new ScanError('usage', answer.error);
    process.stdout.write(`${JSON.stringify(answer.result, null, 2)}\n`);
  };
  const now = (): string => new Date().toISOString();

  admin
    .command('tenant-create')
    .description('create a tenant')
    .argument('<id>', 'tenant id (lower-case letters, digits, dashes)')
    .option('--name <name>', 'display name')
    .action((id: string, o: { name?: string }) => runAdmin('tenant-create', { id, name: o.name }));

  admin
    .command('user-create')
    .description('create a user (operator across tenants, or with a role in a tenant)')
    .argument('<username>')
    .option('--password <password>', 'password (at least 12 characters; prefer --password-file)')
    .option('--password-file <file>', 'read the password from a file')
    .option('--operator', 'MSSP operator: admin of every tenant')
    .option('--tenant <tenant>', 'tenant to give a role in')
    .option('--role <role>', `role in --tenant: ${ROLES.join(', ')}`)
    .action(
      (
        username: string,
        o: { password?: string; passwordFile?: string; operator?: boolean; tenant?: string; role?: string },
      ) => {
        const password = o.passwordFile
          ? readFileSync(o.passwordFile, 'utf8').replace(/\r?\n$/, '')
          : (o.password ?? '');
        return runAdmin('user-create', {
          username,
          password,
          operator: o.operator === true,
          tenant: o.tenant,
          role: o.role,
        });
      },
    );

  admin
    .command('token-create')
    .description('create an API token (printed once)')
    .requiredOption('--name <name>', 'what the token is for')
    .requiredOption('--purpose <purpose>', `${TOKEN_PURPOSES.join(', ')} (worker tokens have no tenant)`)
    .option('--tenant <tenant>', 'tenant the token acts for')
    .option('--expires-days <n>', 'expire after this many days', (v) => Number(v))
    .action((o: { name: string; purpose: string; tenant?: string; expiresDays?: number }) =>
      runAdmin('token-create', o),
    );

  admin
    .command('tenant-list')
    .description('list the tenants')
    .action(() => runAdmin('tenant-list', {}));

  admin
    .command('user-list')
    .description('list the users (with --tenant: those with a role in it)')
    .option('--tenant <tenant>', 'only this tenant')
    .action((o: { tenant?: string }) => runAdmin('user-list', { tenant: o.tenant }));

  admin
    .command('token-list')
    .description('list the API tokens (never their secrets)')
    .option('--tenant <tenant>', 'only this tenant')
    .action((o: { tenant?: string }) => runAdmin('token-list', { tenant: o.tenant }));

  admin
    .command('token-revoke')
    .description('revoke an API token at once')
    .argument('<id>', 'token id (from token-list or token-create)')
    .action((id: string) => runAdmin('token-revoke', { id }));

  admin
    .command('intel-import')
    .description(
      'import intel for all tenants or one; retro-hunts run at once in a running server, else when it starts',
    )
    .argument('<files...>', 'intel files (any supported format)')
    .option('--tenant <tenant>', 'only this tenant')
    .action((files: string[], o: { tenant?: string }) =>
      runAdmin('intel-import', { files: files.map((f) => path.resolve(f)), tenant: o.tenant }),
    );
}
