// Installed-application collectors: throughput side by side with the native readers of the same
// formats, in the same run.
//   - dpkg status: collectors/dpkg-status vs `dpkg-query --admindir DIR -W` (Debian's dpkg) on a
//     synthetic status database (the fixture's 13 stanzas repeated with renamed packages);
//   - binary plist: collectors/macos-info-plist's bplist reader vs Python's plistlib.loads on the
//     3CX Info.plist fixture, N parses each inside one process (python3 optional: row skipped when absent);
//   - .reg export: collectors/windows-reg on the UTF-16LE fixture repeated (no peer tool reads .reg text on Linux).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, timeIt, peakRssMiB, writeResults } from '../lib.mjs';
import { parseDpkgStatus } from '../../dist/collectors/dpkg-status/parse.js';
import { collectInfoPlist } from '../../dist/collectors/macos-info-plist/index.js';
import { collectRegUninstall } from '../../dist/collectors/windows-reg/index.js';

const fx = (...p) => path.join(repoRoot, 'src', 'collectors', ...p);
const rows = [];
const row = (format, tool, items, bytes, ms, note = '') =>
  rows.push({
    format,
    tool,
    items,
    MB: Math.round((bytes / 1e6) * 100) / 100,
    ms: Math.round(ms),
    'items/s': Math.round(items / (ms / 1000)),
    note,
  });

// ---- dpkg status ----------------------------------------------------------------------------
const stanzas = readFileSync(fx('dpkg-status', '__fixtures__', 'status'), 'utf8')
  .trimEnd()
  .split('\n\n');
const COPIES = 600;
let big = '';
for (let i = 0; i < COPIES; i++)
  big += stanzas.map((s) => s.replace(/^Package: (.*)$/m, `Package: $1-c${i}`)).join('\n\n') + '\n\n';
const bigBuf = Buffer.from(big);
const dir = mkdtempSync(path.join(tmpdir(), 'chainhunt-bench-dpkg-'));
writeFileSync(path.join(dir, 'status'), bigBuf);
parseDpkgStatus(bigBuf, 'status'); // warm-up
const ours = await timeIt(() => parseDpkgStatus(bigBuf, 'status'));
const installed = ours.value.observations.filter((o) => o.kind === 'package').length;
row('dpkg status', 'chainhunt', installed, bigBuf.length, ours.ms, `${COPIES * stanzas.length} stanzas`);
const dq = spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' });
if (dq.status === 0) {
  const peer = await timeIt(() =>
    execFileSync(
      'dpkg-query',
      ['--admindir', dir, '-W', '-f', '${db:Status-Abbrev}\\t${Package}\\t${Version}\\n'],
      { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] },
    ),
  );
  const peerInstalled = peer.value.split('\n').filter((l) => /^[ih]i/.test(l)).length;
  row(
    'dpkg status',
    'dpkg-query',
    peerInstalled,
    bigBuf.length,
    peer.ms,
    peerInstalled === installed ? 'same installed set size' : `MISMATCH: chainhunt ${installed}`,
  );
} else row('dpkg status', 'dpkg-query', 0, bigBuf.length, NaN, 'not installed (apt-get install dpkg)');

// ---- binary plist ---------------------------------------------------------------------------
const plistPath = fx('macos-info-plist', '__fixtures__', '3CX Desktop App.app', 'Contents', 'Info.plist');
const plist = readFileSync(plistPath);
const N = 20000;
const host = { root: '/e' };
for (let i = 0; i < 500; i++) collectInfoPlist(plist, '/e/X.app/Contents/Info.plist', host);
const pl = await timeIt(() => {
  let n = 0;
  for (let i = 0; i < N; i++)
    n += collectInfoPlist(plist, '/e/X.app/Contents/Info.plist', host).observations.length;
  return n;
});
row('binary plist', 'chainhunt', pl.value, plist.length * N, pl.ms, `${plist.length} B × ${N}`);
const py = spawnSync('python3', ['-c', 'import plistlib'], { stdio: 'ignore' });
if (py.status === 0) {
  const script = `import plistlib,time,sys\nb=open(sys.argv[1],'rb').read()\nfor _ in range(500): plistlib.loads(b)\nt=time.perf_counter()\nfor _ in range(${N}): plistlib.loads(b)\nprint((time.perf_counter()-t)*1000)`;
  const ms = Number(execFileSync('python3', ['-c', script, plistPath], { encoding: 'utf8' }).trim());
  row('binary plist', 'python3 plistlib', N, plist.length * N, ms, 'parse only, in-process timing');
} else row('binary plist', 'python3 plistlib', 0, plist.length * N, NaN, 'python3 not available');

// ---- .reg export ----------------------------------------------------------------------------
const reg = readFileSync(fx('windows-reg', '__fixtures__', 'uninstall-export.reg'));
const body = reg.subarray(2).toString('utf16le').split('\r\n').slice(2).join('\r\n');
const REPS = 400;
let regText = 'Windows Registry Editor Version 5.00\r\n\r\n';
for (let i = 0; i < REPS; i++) regText += body.replace(/Uninstall\\([^\]\r\n]+)\]/g, `Uninstall\\$1-${i}]`);
const regBuf = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(regText, 'utf16le')]);
collectRegUninstall(regBuf, 'x.reg');
const rg = await timeIt(() => collectRegUninstall(regBuf, 'x.reg'));
row(
  '.reg (UTF-16LE)',
  'chainhunt',
  rg.value.observations.length,
  regBuf.length,
  rg.ms,
  `${REPS} copies, ${rg.value.issues.length} issues`,
);

writeResults('app-inventory', rows, { peakRssMiB: peakRssMiB() });
