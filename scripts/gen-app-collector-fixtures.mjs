// Generates the binary/UTF-16 fixtures of the installed-application collectors (windows-reg,
// windows-uninstall-json, macos-info-plist) and the demo fleet's non-ASCII files. Deterministic:
// re-running produces byte-identical files. Run: node scripts/gen-app-collector-fixtures.mjs
// Binary plists are written by Python's plistlib (an independent encoder) when python3 is present.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = (rel, data) => {
  const p = path.join(root, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, data);
};

/** regedit's escaping of string data. */
const q = (s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
/** A value line with hex data wrapped as regedit wraps it (lines up to 80 columns, "\" continuation). */
function hexLine(name, type, bytes) {
  const prefix = `${name === '@' ? '@' : q(name)}=${type === 3 ? 'hex' : `hex(${type.toString(16)})`}:`;
  const lines = [];
  let line = prefix;
  bytes.forEach((b, i) => {
    const tok = b.toString(16).padStart(2, '0') + (i < bytes.length - 1 ? ',' : '');
    if (line.length + tok.length > 77) {
      lines.push(`${line}\\`);
      line = '  ';
    }
    line += tok;
  });
  lines.push(line);
  return lines.join('\r\n');
}
const utf16z = (s) => [...Buffer.from(`${s}\u0000`, 'utf16le')];
const multi = (items) => [...Buffer.from(`${items.join('\u0000')}\u0000\u0000`, 'utf16le')];
const sz = (n, v) => `${q(n)}=${q(v)}`;
const dword = (n) => `dword:${(n >>> 0).toString(16).padStart(8, '0')}`;
const qword = (n) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return [...b];
};

const UN = 'Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
const HKLM_UN = `HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall`;
const WOW_UN = `HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall`;
const SID = 'S-1-5-21-1004336348-1177238915-682003330-1001';
const HKU_UN = `HKEY_USERS\\${SID}\\${UN}`;

/** Renders sections as a regedit 5 export (CRLF, blank line after each section). */
function regedit5(sections) {
  let s = 'Windows Registry Editor Version 5.00\r\n\r\n';
  for (const [key, values] of sections) {
    s += `[${key}]\r\n`;
    for (const v of values) s += `${v}\r\n`;
    s += '\r\n';
  }
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
}

// ---- windows-reg: a realistic export of the three Uninstall roots --------------------------
const uninstallReg = regedit5([
  [HKLM_UN, []],
  [
    `${HKLM_UN}\\{90160000-008C-0000-1000-0000000FF1CE}`,
    [
      sz('DisplayName', 'Office 16 Click-to-Run Extensibility Component'),
      sz('DisplayVersion', '16.0.16130.20306'),
      sz('Publisher', 'Microsoft Corporation'),
      sz('InstallDate', '20230301'),
      `"SystemComponent"=${dword(1)}`,
      `"WindowsInstaller"=${dword(1)}`,
    ],
  ],
  [
    `${HKLM_UN}\\{A6B2E5C1-4F1D-4E63-9C55-2B9A1E3CF0D7}`,
    [
      sz('AuthorizedCDFPrefix', ''),
      sz('Comments', '3CX Phone System "V18" management console'),
      sz('DisplayName', '3CX Phone System'),
      sz('DisplayVersion', '18.0.7.312'),
      `"EstimatedSize"=${dword(1138000)}`,
      sz('HelpLink', 'https://www.3cx.com/support/'),
      sz('InstallDate', '20230215'),
      sz('InstallLocation', 'C:\\Program Files\\3CX Phone System\\'),
      sz('InstallSource', 'C:\\Users\\Administrator\\Downloads\\'),
      hexLine('ModifyPath', 2, utf16z('MsiExec.exe /X{A6B2E5C1-4F1D-4E63-9C55-2B9A1E3CF0D7}')),
      `"NoModify"=${dword(1)}`,
      sz('Publisher', '3CX'),
      hexLine('UninstallString', 2, utf16z('MsiExec.exe /X{A6B2E5C1-4F1D-4E63-9C55-2B9A1E3CF0D7}')),
      `"VersionMajor"=${dword(18)}`,
      `"VersionMinor"=${dword(0)}`,
      `"WindowsInstaller"=${dword(1)}`,
      `"Language"=${dword(1033)}`,
    ],
  ],
  [`${HKLM_UN}\\AddressBook`, []],
  [`${HKLM_UN}\\Connection Manager`, [`"SystemComponent"=${dword(1)}`]],
  [
    `${HKLM_UN}\\Mozilla Firefox 111.0.1 (x64 en-US)`,
    [
      sz('Comments', 'Mozilla Firefox 111.0.1 (x64 en-US)'),
      sz('DisplayIcon', 'C:\\Program Files\\Mozilla Firefox\\firefox.exe,0'),
      sz('DisplayName', 'Mozilla Firefox (x64 en-US)'),
      sz('DisplayVersion', '111.0.1'),
      sz('HelpLink', 'https://support.mozilla.org'),
      sz('InstallLocation', 'C:\\Program Files\\Mozilla Firefox'),
      `"NoModify"=${dword(1)}`,
      `"NoRepair"=${dword(1)}`,
      sz('Publisher', 'Mozilla'),
      sz('UninstallString', '"C:\\Program Files\\Mozilla Firefox\\uninstall\\helper.exe"'),
      sz('URLInfoAbout', 'https://www.mozilla.org'),
      `"EstimatedSize"=${dword(230584)}`,
    ],
  ],
  [
    `${WOW_UN}\\{1D8E6291-B0D5-35EC-8441-6616F567A0F7}`,
    [
      sz('DisplayName', 'Microsoft Visual C++ 2010  x64 Redistributable - 10.0.40219'),
      sz('DisplayVersion', '10.0.40219'),
      sz('Publisher', 'Microsoft Corporation'),
      hexLine('UninstallString', 2, utf16z('MsiExec.exe /X{1D8E6291-B0D5-35EC-8441-6616F567A0F7}')),
      `"VersionMajor"=${dword(10)}`,
    ],
  ],
  [
    `${WOW_UN}\\Notepad++`,
    [
      sz('DisplayName', 'Notepad++ (32-bit x86)'),
      sz('DisplayVersion', '8.5.1'),
      sz('Publisher', 'Notepad++ Team'),
      sz('DisplayIcon', 'C:\\Program Files (x86)\\Notepad++\\notepad++.exe'),
      sz('UninstallString', 'C:\\Program Files (x86)\\Notepad++\\uninstall.exe'),
    ],
  ],
  [`HKEY_USERS\\${SID}\\${UN}`, []],
  [
    `${HKU_UN}\\{C0A3E3F1-75E2-4F1B-9B9A-3CD1E0A2B416}`,
    [
      hexLine('DisplayIcon', 2, utf16z('%LOCALAPPDATA%\\Programs\\3CXDesktopApp\\3CXDesktopApp.exe')),
      sz('DisplayName', '3CX Desktop App'),
      sz('DisplayVersion', '18.12.416'),
      sz('InstallDate', '20230308'),
      sz('InstallLocation', 'C:\\Users\\alice\\AppData\\Local\\Programs\\3CXDesktopApp\\'),
      sz('Publisher', '3CX Ltd'),
      sz('UninstallString', 'MsiExec.exe /X{C0A3E3F1-75E2-4F1B-9B9A-3CD1E0A2B416}'),
      hexLine('Contact', 7, multi(['support@3cx.com', 'https://www.3cx.com'])),
      `"InstallTimestamp"=hex(b):${qword(1678262400)
        .map((b) => b.toString(16).padStart(2, '0'))
        .join(',')}`,
      `"EstimatedSize"=${dword(0x0002a3f8)}`,
    ],
  ],
  [
    `${HKU_UN}\\Teams`,
    [
      sz('DisplayName', 'Microsoft Teams'),
      sz('DisplayVersion', '1.6.00.4472'),
      hexLine('InstallLocation', 2, utf16z('%LOCALAPPDATA%\\Microsoft\\Teams')),
      sz('Publisher', 'Microsoft Corporation'),
      `@=""`,
    ],
  ],
]);
out('src/collectors/windows-reg/__fixtures__/uninstall-export.reg', uninstallReg);

// REGEDIT4 (ANSI, windows-1252): per-user install with a non-ASCII publisher.
const ansi = [
  'REGEDIT4',
  '',
  `[HKEY_CURRENT_USER\\${UN}\\ZoomUMX]`,
  '"DisplayName"="Zoom"',
  '"DisplayVersion"="5.13.11 (16405)"',
  '"Publisher"="Zoom Video Communications, Inc."',
  hexLine('InstallLocation', 2, [...Buffer.from('%APPDATA%\\Zoom\\bin\u0000', 'latin1')]),
  '',
  `[HKEY_CURRENT_USER\\${UN}\\Kalender`,
  '',
  `[HKEY_CURRENT_USER\\${UN}\\SoGeTool]`,
  '"DisplayName"="Outil de relevés"',
  '"DisplayVersion"="2.1"',
  '"Publisher"="Société Générale"',
  '',
].join('\r\n');
out('src/collectors/windows-reg/__fixtures__/regedit4-hkcu.reg', Buffer.from(ansi, 'latin1'));

// ---- corrupted set (shared pattern for every format) ---------------------------------------
out('src/collectors/windows-reg/__fixtures__/corrupted/truncated.reg', uninstallReg.subarray(0, 2801));
out('src/collectors/windows-reg/__fixtures__/corrupted/empty.reg', Buffer.alloc(0));
out(
  'src/collectors/windows-reg/__fixtures__/corrupted/wrong-encoding.reg',
  Buffer.from(uninstallReg.subarray(2).toString('utf16le'), 'utf16le').swap16(),
);
out('src/collectors/windows-reg/__fixtures__/corrupted/garbage.reg', pseudoRandom(4096, 7));

function pseudoRandom(n, seed) {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

export { pseudoRandom, regedit5, hexLine, q, dword, utf16z, out, root, execFileSync };

// ---- windows-uninstall-json: Windows PowerShell 5.1 ConvertTo-Json layout, UTF-16LE + BOM ----
/** ConvertTo-Json as Windows PowerShell 5.1 formats it: 4-space indent, `":  "`, \u003c-style escapes. */
function ps5Json(v, indent = 0) {
  const pad = ' '.repeat(indent);
  const esc = (s) =>
    JSON.stringify(s)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/'/g, '\\u0027');
  if (Array.isArray(v))
    return `[\r\n${v.map((x) => `${pad}    ${ps5Json(x, indent + 4)}`).join(',\r\n')}\r\n${pad}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).map(([k, x]) => {
      const key = `${esc(k)}:  `;
      return `${pad}    ${key}${ps5Json(x, indent + 4 + key.length)}`;
    });
    return `{\r\n${entries.join(',\r\n')}\r\n${pad}}`;
  }
  return v === null ? 'null' : typeof v === 'string' ? esc(v) : String(v);
}
const PSCORE = 'Microsoft.PowerShell.Core\\Registry::';
function psEntry(hivePath, keyName, values, drive) {
  const parent = `${PSCORE}${hivePath}`;
  const e = { ...values, PSPath: `${parent}\\${keyName}`, PSParentPath: parent, PSChildName: keyName };
  if (drive) {
    e.PSDrive = {
      CurrentLocation: '',
      Name: drive,
      Provider: 'Microsoft.PowerShell.Core\\Registry',
      Root: drive === 'HKLM' ? 'HKEY_LOCAL_MACHINE' : 'HKEY_CURRENT_USER',
      Description: '',
      MaximumSize: null,
      Credential: 'System.Management.Automation.PSCredential',
      DisplayRoot: null,
    };
  }
  e.PSProvider = {
    ImplementingType: 'Microsoft.PowerShell.Commands.RegistryProvider',
    HelpFile: 'System.Management.Automation.dll-Help.xml',
    Name: 'Registry',
    PSSnapIn: 'Microsoft.PowerShell.Core',
    ModuleName: 'Microsoft.PowerShell.Core',
    Module: null,
    Description: '',
    Capabilities: 80,
    Home: '',
    Drives: 'HKLM HKCU',
  };
  return e;
}
const ps5 = (v) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${ps5Json(v)}\r\n`, 'utf16le')]);
const HKLM_P = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
const WOW_P = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
const HKCU_P = 'HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
const HKU_P = (sid) => `HKEY_USERS\\${sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall`;

const psEntries = [
  psEntry(
    HKLM_P,
    '{A6B2E5C1-4F1D-4E63-9C55-2B9A1E3CF0D7}',
    {
      AuthorizedCDFPrefix: '',
      Comments: '',
      Contact: '',
      DisplayVersion: '18.0.7.312',
      HelpLink: 'https://www.3cx.com/support/',
      HelpTelephone: '',
      InstallDate: '20230215',
      InstallLocation: 'C:\\Program Files\\3CX Phone System\\',
      InstallSource: 'C:\\Users\\Administrator\\Downloads\\',
      ModifyPath: 'MsiExec.exe /X{A6B2E5C1-4F1D-4E63-9C55-2B9A1E3CF0D7}',
      NoModify: 1,
      Publisher: '3CX',
      Readme: '',
      Size: '',
      EstimatedSize: 1138000,
      UninstallString: 'MsiExec.exe /X{A6B2E5C1-4F1D-4E63-9C55-2B9A1E3CF0D7}',
      URLInfoAbout: 'https://www.3cx.com',
      URLUpdateInfo: '',
      VersionMajor: 18,
      VersionMinor: 0,
      WindowsInstaller: 1,
      Version: 301989888,
      Language: 1033,
      DisplayName: '3CX Phone System',
    },
    'HKLM',
  ),
  psEntry(HKLM_P, 'AddressBook', {}, 'HKLM'),
  psEntry(
    WOW_P,
    '{F1B0FB3A-E0EA-47A6-9383-3650655403B0}',
    {
      DisplayName: 'Microsoft Visual C++ 2022 X86 Additional Runtime - 14.34.31931',
      DisplayVersion: '14.34.31931',
      Publisher: 'Microsoft Corporation',
      InstallLocation: '',
      SystemComponent: 1,
      UninstallString: 'MsiExec.exe /I{F1B0FB3A-E0EA-47A6-9383-3650655403B0}',
      EstimatedSize: 2416,
    },
    'HKLM',
  ),
  psEntry(HKU_P('S-1-5-21-3623811015-3361044348-30300820-1013'), 'Teams', {
    DisplayName: 'Microsoft Teams',
    DisplayVersion: '1.6.00.4472',
    Publisher: 'Microsoft Corporation',
    InstallLocation: 'C:\\Users\\bob\\AppData\\Local\\Microsoft\\Teams',
    UninstallString: 'C:\\Users\\bob\\AppData\\Local\\Microsoft\\Teams\\Update.exe --uninstall -s',
    DisplayIcon: 'C:\\Users\\bob\\AppData\\Local\\Microsoft\\Teams\\app.ico',
    EstimatedSize: 118034,
  }),
  psEntry(
    HKCU_P,
    '{C0A3E3F1-75E2-4F1B-9B9A-3CD1E0A2B416}',
    {
      DisplayName: '3CX Desktop App',
      DisplayVersion: '18.12.407',
      Publisher: '3CX Ltd',
      InstallDate: '20230301',
      InstallLocation: 'C:\\Users\\bob\\AppData\\Local\\Programs\\3CXDesktopApp\\',
      UninstallString: 'MsiExec.exe /X{C0A3E3F1-75E2-4F1B-9B9A-3CD1E0A2B416}',
      Contact: ['support@3cx.com', 'https://www.3cx.com'],
      ProductIcon: [0, 0, 1, 0],
    },
    'HKCU',
  ),
];
const psFile = ps5(psEntries);
out('src/collectors/windows-uninstall-json/__fixtures__/uninstall-ps5.json', psFile);
// PowerShell 7: UTF-8 without BOM, 2-space indent, one object (ConvertTo-Json of a single entry).
out(
  'src/collectors/windows-uninstall-json/__fixtures__/uninstall-ps7-single.json',
  `${JSON.stringify(psEntries[4], null, 2)}\n`,
);
out(
  'src/collectors/windows-uninstall-json/__fixtures__/corrupted/uninstall-truncated.json',
  psFile.subarray(0, Math.floor(psFile.length / 2) + 1),
);
out('src/collectors/windows-uninstall-json/__fixtures__/corrupted/uninstall-empty.json', Buffer.alloc(0));
out(
  'src/collectors/windows-uninstall-json/__fixtures__/corrupted/uninstall-wrong-encoding.json',
  Buffer.from(ps5Json(psEntries).replace('3CX Desktop App', '3CX Desktop App \u00e9'), 'latin1'),
);
out(
  'src/collectors/windows-uninstall-json/__fixtures__/corrupted/uninstall-garbage.json',
  pseudoRandom(4096, 11),
);

// ---- osquery: osqueryi --json layout (one row per line, keys sorted, all values strings) ----
const sortedKeys = (o) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const osqueryiJson = (rows) => `[\n${rows.map((r) => `  ${JSON.stringify(sortedKeys(r))}`).join(',\n')}\n]\n`;
const prog = (
  name,
  version,
  publisher,
  install_location,
  identifying_number,
  uninstall_string,
  install_date = '20230310',
) => ({
  name,
  version,
  install_location,
  install_source: '',
  language: '',
  publisher,
  uninstall_string,
  install_date,
  identifying_number,
  package_family_name: '',
  upgrade_code: '',
});
const programsRows = [
  prog(
    '3CX Desktop App',
    '18.12.422',
    '3CX Ltd',
    'C:\\Program Files\\3CXDesktopApp\\',
    '{9A1F3B2C-5D4E-4F60-8A7B-1C2D3E4F5A42}',
    'MsiExec.exe /X{9A1F3B2C-5D4E-4F60-8A7B-1C2D3E4F5A42}',
    '20230331',
  ),
  prog(
    'Google Chrome',
    '111.0.5563.65',
    'Google LLC',
    'C:\\Program Files\\Google\\Chrome\\Application',
    '',
    '"C:\\Program Files\\Google\\Chrome\\Application\\111.0.5563.65\\Installer\\setup.exe" --uninstall --channel=stable --system-level --verbose-logging',
  ),
  prog(
    '7-Zip 22.01 (x64)',
    '22.01',
    'Igor Pavlov',
    'C:\\Program Files\\7-Zip\\',
    '',
    '"C:\\Program Files\\7-Zip\\Uninstall.exe"',
  ),
  prog(
    'Microsoft Teams',
    '1.6.00.4472',
    'Microsoft Corporation',
    '',
    '',
    '"C:\\Users\\carol\\AppData\\Local\\Microsoft\\Teams\\Update.exe" --uninstall -s',
  ),
  prog(
    'Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.34.31931',
    '14.34.31931.0',
    'Microsoft Corporation',
    '',
    '{D4CC5A9A-8D0B-4A8D-A2B2-2B8D4E5F6A7B}',
    'MsiExec.exe /X{D4CC5A9A-8D0B-4A8D-A2B2-2B8D4E5F6A7B}',
  ),
];
const programsFile = osqueryiJson(programsRows);
out('src/collectors/osquery-programs/__fixtures__/programs.json', programsFile);
out(
  'src/collectors/osquery-programs/__fixtures__/corrupted/osquery-programs-truncated.json',
  programsFile.slice(0, Math.floor(programsFile.length * 0.6)),
);
out('src/collectors/osquery-programs/__fixtures__/corrupted/osquery-programs-empty.json', '');
out(
  'src/collectors/osquery-programs/__fixtures__/corrupted/osquery-programs-wrong-encoding.json',
  Buffer.from(programsFile.replace('Igor Pavlov', 'Igor Pavlov \u00a9'), 'latin1'),
);
out(
  'src/collectors/osquery-programs/__fixtures__/corrupted/osquery-programs-garbage.json',
  pseudoRandom(4096, 13),
);

const app = (name, path, bundle_identifier, bundle_short_version, bundle_version, extra = {}) => ({
  name,
  path,
  bundle_executable: name.replace(/\.app$/, ''),
  bundle_identifier,
  bundle_name: name.replace(/\.app$/, ''),
  bundle_short_version,
  bundle_version,
  bundle_package_type: 'APPL',
  environment: '',
  element: '',
  compiler: '',
  development_region: 'en',
  display_name: '',
  info_string: '',
  minimum_system_version: '10.13',
  category: '',
  applescript_enabled: '0',
  copyright: '',
  last_opened_time: '-1.0',
  ...extra,
});
const appsRows = [
  app(
    '3CX Desktop App.app',
    '/Applications/3CX Desktop App.app',
    'com.electron.3cx-desktop-app',
    '18.12.402',
    '18.12.402',
    { bundle_executable: '3CX Desktop App', copyright: 'Copyright © 2023 3CX' },
  ),
  app('Safari.app', '/Applications/Safari.app', 'com.apple.Safari', '16.3', '18614.4.6.1.6', {
    display_name: 'Safari',
    category: 'public.app-category.productivity',
  }),
  app('Slack.app', '/Applications/Slack.app', 'com.tinyspeck.slackmacgap', '4.31.155', '431155'),
  app(
    'Visual Studio Code.app',
    '/Users/dana/Applications/Visual Studio Code.app',
    'com.microsoft.VSCode',
    '1.76.2',
    '1.76.2',
    { bundle_name: 'Code', display_name: 'Code' },
  ),
];
const appsFile = osqueryiJson(appsRows);
out('src/collectors/osquery-apps/__fixtures__/apps.json', appsFile);
out(
  'src/collectors/osquery-apps/__fixtures__/corrupted/osquery-apps-truncated.json',
  appsFile.slice(0, Math.floor(appsFile.length * 0.6)),
);
out('src/collectors/osquery-apps/__fixtures__/corrupted/osquery-apps-empty.json', '');
out(
  'src/collectors/osquery-apps/__fixtures__/corrupted/osquery-apps-wrong-encoding.json',
  Buffer.from(appsFile, 'utf16le').swap16(),
);
out('src/collectors/osquery-apps/__fixtures__/corrupted/osquery-apps-garbage.json', pseudoRandom(4096, 17));

// osqueryd results log (filesystem logger): snapshot + event + batch formats, two tables.
const ev = (name, action, columns, t) => ({
  name,
  hostIdentifier: 'mac-design-02',
  calendarTime: `Thu Mar 30 10:0${t}:00 2023 UTC`,
  unixTime: 1680170400 + t * 60,
  epoch: 0,
  counter: t,
  numerics: false,
  decorations: { host_uuid: '5B0E2F4A-1C3D-4E5F-9A8B-7C6D5E4F3A2B', username: 'dana' },
  columns,
  action,
});
const logLines = [
  {
    snapshot: appsRows.slice(1, 3),
    action: 'snapshot',
    name: 'pack_inventory_apps',
    hostIdentifier: 'mac-design-02',
    calendarTime: 'Thu Mar 30 10:00:00 2023 UTC',
    unixTime: 1680170400,
    epoch: 0,
    counter: 0,
    numerics: false,
  },
  ev('pack_inventory_apps', 'added', appsRows[0], 1),
  ev('pack_inventory_apps', 'added', appsRows[3], 2),
  ev('pack_inventory_apps', 'removed', appsRows[3], 3),
  {
    name: 'pack_win_programs',
    hostIdentifier: 'mac-design-02',
    calendarTime: 'Thu Mar 30 10:04:00 2023 UTC',
    unixTime: 1680170640,
    epoch: 0,
    counter: 4,
    numerics: false,
    diffResults: { removed: [], added: [programsRows[0], programsRows[2]] },
  },
];
out(
  'src/collectors/osquery-apps/__fixtures__/osqueryd.results.log',
  `${logLines.map((l) => JSON.stringify(l)).join('\n')}\n`,
);

// ---- macos-info-plist: Info.plist written by Python's plistlib (binary and XML) --------------
/** Writes `obj` (JSON-able, with {"$date": iso} and {"$data": base64} markers) as a plist via python3. */
function pythonPlist(obj, fmt) {
  const py = [
    'import sys, json, plistlib, datetime, base64',
    'def conv(v):',
    '    if isinstance(v, dict):',
    '        if "$date" in v: return datetime.datetime.fromisoformat(v["$date"])',
    '        if "$data" in v: return base64.b64decode(v["$data"])',
    '        return {k: conv(x) for k, x in v.items()}',
    '    if isinstance(v, list): return [conv(x) for x in v]',
    '    return v',
    'obj = conv(json.load(sys.stdin))',
    `sys.stdout.buffer.write(plistlib.dumps(obj, fmt=plistlib.FMT_${fmt}, sort_keys=True))`,
  ].join('\n');
  return execFileSync('python3', ['-c', py], { input: JSON.stringify(obj) });
}
const infoPlist = (version, extra = {}) => ({
  BuildMachineOSBuild: '21G115',
  CFBundleDevelopmentRegion: 'en',
  CFBundleDisplayName: '3CX Desktop App',
  CFBundleExecutable: '3CX Desktop App',
  CFBundleIconFile: 'icon.icns',
  CFBundleIdentifier: 'com.electron.3cx-desktop-app',
  CFBundleInfoDictionaryVersion: '6.0',
  CFBundleName: '3CX Desktop App',
  CFBundlePackageType: 'APPL',
  CFBundleShortVersionString: version,
  CFBundleVersion: version,
  DTCompiler: 'com.apple.compilers.llvm.clang.1_0',
  DTSDKName: 'macosx12.3',
  DTXcode: '1341',
  ElectronAsarIntegrity: {
    'Resources/app.asar': {
      algorithm: 'SHA256',
      hash: 'c3f1a0b7e2d94c1f8a3b5d6e7f809a1b2c3d4e5f60718293a4b5c6d7e8f90a1b',
    },
  },
  LSApplicationCategoryType: 'public.app-category.business',
  LSEnvironment: { MallocNanoZone: '0' },
  LSMinimumSystemVersion: '10.11.0',
  NSAppTransportSecurity: {
    NSAllowsArbitraryLoads: true,
    NSAllowsLocalNetworking: true,
    NSExceptionDomains: {
      '127.0.0.1': {
        NSIncludesSubdomains: false,
        NSTemporaryExceptionAllowsInsecureHTTPLoads: true,
        NSTemporaryExceptionAllowsInsecureHTTPSLoads: false,
        NSTemporaryExceptionMinimumTLSVersion: '1.0',
        NSTemporaryExceptionRequiresForwardSecrecy: false,
      },
    },
  },
  NSHighResolutionCapable: true,
  NSHumanReadableCopyright: 'Copyright © 2023 3CX',
  NSMicrophoneUsageDescription: 'This app needs access to the microphone',
  NSPrincipalClass: 'AtomApplication',
  NSQuitAlwaysKeepsWindows: false,
  NSRequiresAquaSystemAppearance: false,
  NSSupportsAutomaticGraphicsSwitching: true,
  ...extra,
});
let havePython = true;
try {
  execFileSync('python3', ['-c', 'import plistlib']);
} catch {
  havePython = false;
  console.warn('python3 not found: binary plist fixtures not regenerated');
}
if (havePython) {
  // Extra keys exercise integers (1, 2, 8 bytes, negative), a real, a date and data in the binary form.
  const probe = {
    ChainhuntProbeInt: 300,
    ChainhuntProbeBig: 5000000000,
    ChainhuntProbeNeg: -2,
    ChainhuntProbeReal: 1.5,
    ChainhuntProbeDate: { $date: '2023-03-22T10:00:00' },
    ChainhuntProbeData: { $data: 'AAEC/w==' },
    ChainhuntProbeList: ['a', 'é', 7],
  };
  const bin = pythonPlist(infoPlist('18.11.1213', probe), 'BINARY');
  out('src/collectors/macos-info-plist/__fixtures__/3CX Desktop App.app/Contents/Info.plist', bin);
  out(
    'src/collectors/macos-info-plist/__fixtures__/xml/3CX Desktop App.app/Contents/Info.plist',
    pythonPlist(infoPlist('18.12.402'), 'XML'),
  );
  out(
    'src/collectors/macos-info-plist/__fixtures__/corrupted/truncated-binary.app/Contents/Info.plist',
    bin.subarray(0, bin.length - 20),
  );
  out(
    'src/collectors/macos-info-plist/__fixtures__/corrupted/truncated-xml.app/Contents/Info.plist',
    pythonPlist(infoPlist('18.12.402'), 'XML').subarray(0, 900),
  );
  out(
    'src/collectors/macos-info-plist/__fixtures__/corrupted/wrong-encoding.app/Contents/Info.plist',
    Buffer.from(pythonPlist(infoPlist('18.12.402'), 'XML').toString('utf8'), 'latin1'),
  );
  out(
    'src/collectors/macos-info-plist/__fixtures__/corrupted/empty.app/Contents/Info.plist',
    Buffer.alloc(0),
  );
  out(
    'src/collectors/macos-info-plist/__fixtures__/corrupted/garbage.app/Contents/Info.plist',
    pseudoRandom(4096, 19),
  );
  out(
    'src/collectors/macos-info-plist/__fixtures__/corrupted/garbage-after-header.app/Contents/Info.plist',
    Buffer.concat([Buffer.from('bplist00'), pseudoRandom(600, 23)]),
  );
  // Demo: mac-design-02 has the trojanised 18.11.1213 build, installed for all users.
  out(
    'demo/fleet/mac-design-02/Applications/3CX Desktop App.app/Contents/Info.plist',
    pythonPlist(infoPlist('18.11.1213'), 'BINARY'),
  );
}

// ---- dpkg-status / rpm-qa corrupted sets (the valid fixtures are plain text files) ----------
import { readFileSync } from 'node:fs';
const dpkg = readFileSync(path.join(root, 'src/collectors/dpkg-status/__fixtures__/status'));
out(
  'src/collectors/dpkg-status/__fixtures__/corrupted/truncated/var/lib/dpkg/status',
  dpkg.subarray(0, 5000),
);
out('src/collectors/dpkg-status/__fixtures__/corrupted/empty/var/lib/dpkg/status', Buffer.alloc(0));
out(
  'src/collectors/dpkg-status/__fixtures__/corrupted/wrong-encoding/var/lib/dpkg/status',
  Buffer.from(dpkg.toString('utf8'), 'utf16le').swap16(),
);
out('src/collectors/dpkg-status/__fixtures__/corrupted/garbage/var/lib/dpkg/status', pseudoRandom(4096, 29));
const rpmqa = readFileSync(path.join(root, 'src/collectors/rpm-qa/__fixtures__/rpm-qa.txt'));
out('src/collectors/rpm-qa/__fixtures__/corrupted/rpm-qa-truncated.txt', rpmqa.subarray(0, 150));
out('src/collectors/rpm-qa/__fixtures__/corrupted/rpm-qa-empty.txt', Buffer.alloc(0));
out(
  'src/collectors/rpm-qa/__fixtures__/corrupted/rpm-qa-wrong-encoding.txt',
  Buffer.from(rpmqa.toString('utf8').replace('Google Inc.', 'Gööglé Inc.'), 'latin1'),
);
out('src/collectors/rpm-qa/__fixtures__/corrupted/rpm-qa-garbage.txt', pseudoRandom(4096, 31));

// ---- demo fleet: five host bundles for the 3CX demo (crafted evidence, no executables) -------
const manifest = (hostId, os) =>
  `${JSON.stringify({ schema: 'chainhunt-host/1', hostId, hostname: hostId.toUpperCase(), os, tenant: 'acme', collectedAt: '2023-03-30T10:00:00Z' }, null, 2)}\n`;
for (const [id, os] of [
  ['win-finance-01', 'windows'],
  ['mac-design-02', 'macos'],
  ['win-sales-03', 'windows'],
  ['linux-build-04', 'linux'],
  ['win-pbx-05', 'windows'],
]) {
  out(`demo/fleet/${id}/chainhunt-host.json`, manifest(id, os));
}
// win-finance-01: per-user (HKU\<alice's SID>) uninstall key exported with regedit.
const ALICE = 'S-1-5-21-2837145710-1592357215-3851120389-1104';
const ALICE_UN = `HKEY_USERS\\${ALICE}\\${UN}`;
out(
  'demo/fleet/win-finance-01/registry/HKU-alice-Uninstall.reg',
  regedit5([
    [ALICE_UN, []],
    [
      `${ALICE_UN}\\{C0A3E3F1-75E2-4F1B-9B9A-3CD1E0A2B416}`,
      [
        hexLine('DisplayIcon', 2, utf16z('%LOCALAPPDATA%\\Programs\\3CXDesktopApp\\3CXDesktopApp.exe')),
        sz('DisplayName', '3CX Desktop App'),
        sz('DisplayVersion', '18.12.416'),
        sz('InstallDate', '20230308'),
        sz('InstallLocation', 'C:\\Users\\alice\\AppData\\Local\\Programs\\3CXDesktopApp\\'),
        sz('Publisher', '3CX Ltd'),
        sz('UninstallString', 'MsiExec.exe /X{C0A3E3F1-75E2-4F1B-9B9A-3CD1E0A2B416}'),
        `"EstimatedSize"=${dword(0x0002a3f8)}`,
        `"NoModify"=${dword(1)}`,
      ],
    ],
    [
      `${ALICE_UN}\\ZoomUMX`,
      [
        sz('DisplayName', 'Zoom'),
        sz('DisplayVersion', '5.13.11 (16405)'),
        sz('Publisher', 'Zoom Video Communications, Inc.'),
        hexLine('InstallLocation', 2, utf16z('%APPDATA%\\Zoom\\bin')),
        sz(
          'UninstallString',
          '"C:\\Users\\alice\\AppData\\Roaming\\Zoom\\uninstall\\Installer.exe" /uninstall',
        ),
      ],
    ],
    [
      `${ALICE_UN}\\Microsoft OneDrive`,
      [
        sz('DisplayName', 'Microsoft OneDrive'),
        sz('DisplayVersion', '23.043.0226.0001'),
        sz('Publisher', 'Microsoft Corporation'),
        sz(
          'DisplayIcon',
          'C:\\Users\\alice\\AppData\\Local\\Microsoft\\OneDrive\\23.043.0226.0001\\OneDriveSetup.exe,-101',
        ),
        sz(
          'UninstallString',
          'C:\\Users\\alice\\AppData\\Local\\Microsoft\\OneDrive\\23.043.0226.0001\\OneDriveSetup.exe  /uninstall ',
        ),
      ],
    ],
  ]),
);
// win-sales-03: machine-wide install already on the fixed 18.12.422, from osquery's programs table.
out(
  'demo/fleet/win-sales-03/osquery/programs.json',
  osqueryiJson([
    programsRows[0],
    programsRows[1],
    programsRows[2],
    prog(
      'Microsoft Edge',
      '111.0.1661.54',
      'Microsoft Corporation',
      'C:\\Program Files (x86)\\Microsoft\\Edge\\Application',
      '',
      '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\111.0.1661.54\\Installer\\setup.exe" --uninstall --msedge --channel=stable --system-level --verbose-logging',
    ),
  ]),
);
// linux-build-04: clean build server, real Debian 12 package stanzas.
out('demo/fleet/linux-build-04/var/lib/dpkg/status', dpkg);
// win-pbx-05: the 3CX *Phone System* server (not the desktop app), from PowerShell 5.1.
out(
  'demo/fleet/win-pbx-05/powershell/uninstall.json',
  ps5([
    psEntry(
      HKLM_P,
      '{A6B2E5C1-4F1D-4E63-9C55-2B9A1E3CF0D7}',
      {
        DisplayName: '3CX Phone System',
        DisplayVersion: '18.0.7.312',
        Publisher: '3CX',
        InstallDate: '20230215',
        InstallLocation: 'C:\\Program Files\\3CX Phone System\\',
        UninstallString: 'MsiExec.exe /X{A6B2E5C1-4F1D-4E63-9C55-2B9A1E3CF0D7}',
        EstimatedSize: 1138000,
        NoModify: 1,
        WindowsInstaller: 1,
        VersionMajor: 18,
        VersionMinor: 0,
      },
      'HKLM',
    ),
    psEntry(
      HKLM_P,
      '{F9A1B2C3-D4E5-4F60-9A1B-2C3D4E5F6071}',
      {
        DisplayName: 'PostgreSQL 14 ',
        DisplayVersion: '14.7-1',
        Publisher: 'PostgreSQL Global Development Group',
        InstallLocation: 'C:\\Program Files\\3CX Phone System\\Bin\\PostgreSQL\\',
        UninstallString: '"C:\\Program Files\\3CX Phone System\\Bin\\PostgreSQL\\uninstall-postgresql.exe"',
      },
      'HKLM',
    ),
    psEntry(
      WOW_P,
      '{1D8E6291-B0D5-35EC-8441-6616F567A0F7}',
      {
        DisplayName: 'Microsoft Visual C++ 2010  x64 Redistributable - 10.0.40219',
        DisplayVersion: '10.0.40219',
        Publisher: 'Microsoft Corporation',
        UninstallString: 'MsiExec.exe /X{1D8E6291-B0D5-35EC-8441-6616F567A0F7}',
      },
      'HKLM',
    ),
  ]),
);
