/** `chainhunt serve` and `chainhunt admin`: the multi-tenant server and its offline administration. */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ScanError } from '../../core/errors.js';
import { createServer, type ServerOptions } from '../../server/app.js';
import { hashPassword } from '../../server/auth/secrets.js';
import type { ServerContext } from '../../server/context.js';
import { issueToken, TENANT_ID } from '../../server/routes/tenants.js';
import { IntelService } from '../../server/services/intel.js';
import { StateStore } from '../../server/state/store.js';
import { ROLES, TOKEN_PURPOSES, type Role, type TokenPurpose } from '../../server/state/types.js';
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
        await server.close();
      },
    );

  const admin = program
    .command('admin')
    .description(
      'administer the server offline: tenants, users, tokens, intel (embedded store: stop the server first)',
    )
    .option('--data <dir>', 'data folder', DEFAULT_DATA)
    .option('--database-url <url>', 'PostgreSQL URL of the state store');

  const withState = async <T>(fn: (state: StateStore, dataDir: string) => Promise<T>): Promise<T> => {
    const o = admin.opts<{ data: string; databaseUrl?: string }>();
    const dataDir = path.resolve(o.data);
    const state = await StateStore.open({
      dataDir,
      databaseUrl: o.databaseUrl ?? process.env['CHAINHUNT_DATABASE_URL'],
    }).catch((err: Error) => {
      throw new ScanError('config', `cannot open the state store: ${err.message.split('\n')[0] ?? ''}`);
    });
    try {
      return await fn(state, dataDir);
    } finally {
      await state.close();
    }
  };
  const now = (): string => new Date().toISOString();
  const out = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);

  admin
    .command('tenant-create')
    .description('create a tenant')
    .argument('<id>', 'tenant id (lower-case letters, digits, dashes)')
    .option('--name <name>', 'display name')
    .action(async (id: string, o: { name?: string }) => {
      if (!new RegExp(TENANT_ID).test(id))
        throw new ScanError('usage', `bad tenant id ${id}: use a-z, 0-9 and -`);
      await withState(async (state) => {
        if (await state.tenant(id)) throw new ScanError('usage', `tenant ${id} exists`);
        const at = now();
        await state.tx(async (q) => {
          await state.createTenant({ id, name: o.name ?? id, createdAt: at }, q);
          await state.audit(
            {
              at,
              actor: 'admin-cli',
              tenant: id,
              action: 'tenant.create',
              target: id,
              ip: null,
              detail: null,
            },
            q,
          );
        });
        out({ id, name: o.name ?? id });
      });
    });

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
      async (
        username: string,
        o: { password?: string; passwordFile?: string; operator?: boolean; tenant?: string; role?: string },
      ) => {
        const password = o.passwordFile
          ? readFileSync(o.passwordFile, 'utf8').replace(/\r?\n$/, '')
          : o.password;
        if (!password || password.length < 12)
          throw new ScanError('usage', 'a password of at least 12 characters is needed');
        if ((o.tenant === undefined) !== (o.role === undefined))
          throw new ScanError('usage', '--tenant and --role go together');
        if (o.role !== undefined && !(ROLES as readonly string[]).includes(o.role))
          throw new ScanError('usage', `role must be one of ${ROLES.join(', ')}`);
        await withState(async (state) => {
          if (await state.userByName(username)) throw new ScanError('usage', `user ${username} exists`);
          if (o.tenant && !(await state.tenant(o.tenant)))
            throw new ScanError('usage', `no tenant ${o.tenant}`);
          const id = randomUUID();
          const at = now();
          const hash = await hashPassword(password);
          await state.tx(async (q) => {
            await state.createUser(
              { id, username, passwordHash: hash, operator: o.operator === true, createdAt: at },
              q,
            );
            if (o.tenant && o.role) await state.setRole(id, o.tenant, o.role as Role, q);
            await state.audit(
              {
                at,
                actor: 'admin-cli',
                tenant: o.tenant ?? null,
                action: 'user.create',
                target: username,
                ip: null,
                detail: { operator: o.operator === true, role: o.role ?? null },
              },
              q,
            );
          });
          out(await state.user(id));
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
    .action(async (o: { name: string; purpose: string; tenant?: string; expiresDays?: number }) => {
      if (!(TOKEN_PURPOSES as readonly string[]).includes(o.purpose))
        throw new ScanError('usage', `purpose must be one of ${TOKEN_PURPOSES.join(', ')}`);
      if ((o.purpose === 'worker') !== (o.tenant === undefined))
        throw new ScanError('usage', 'worker tokens take no --tenant; every other purpose needs one');
      await withState(async (state, dataDir) => {
        if (o.tenant && !(await state.tenant(o.tenant)))
          throw new ScanError('usage', `no tenant ${o.tenant}`);
        const ctx = { state, now, dataDir } as unknown as ServerContext;
        out(
          await issueToken(ctx, {
            tenant: o.tenant ?? null,
            name: o.name,
            purpose: o.purpose as TokenPurpose,
            expiresInDays: o.expiresDays,
            actor: 'admin-cli',
            ip: null,
          }),
        );
      });
    });

  admin
    .command('intel-import')
    .description('import intel for all tenants or one; retro-hunts run when the server starts')
    .argument('<files...>', 'intel files (any supported format)')
    .option('--tenant <tenant>', 'only this tenant')
    .action(async (files: string[], o: { tenant?: string }) => {
      await withState(async (state, dataDir) => {
        if (o.tenant && !(await state.tenant(o.tenant)))
          throw new ScanError('usage', `no tenant ${o.tenant}`);
        const intel = new IntelService(state, dataDir);
        const results = [];
        for (const f of files) {
          const r = await intel.add(o.tenant ?? null, path.basename(f), readFileSync(f), 'admin-cli', now());
          if ('refused' in r) throw new ScanError('usage', `${f}: ${r.refused}`);
          results.push({ file: f, id: r.source.id, counts: r.source.counts, issues: r.issues.length });
        }
        const tenants = o.tenant ? [o.tenant] : (await state.tenants()).map((t) => t.id);
        for (const t of tenants)
          await state.createJob({
            id: randomUUID(),
            tenant: t,
            type: 'hunt',
            payload: { reason: 'intel imported (admin)' },
            at: now(),
          });
        await state.audit({
          at: now(),
          actor: 'admin-cli',
          tenant: o.tenant ?? null,
          action: 'intel.import',
          target: null,
          ip: null,
          detail: results,
        });
        out({ imported: results, huntsQueued: tenants.length });
      });
    });
}
