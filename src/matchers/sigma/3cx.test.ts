/**
 * The eight SigmaHQ 3CX rules: each fires on a hand-made event of its logsource and not on a near
 * miss (one character or one field away). Events are written from the rules' published IOCs
 * (3CX advisories), in Sysmon's evtx_dump layout for Windows and as flat proxy records.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/fixtures.js';
import type { LogEventObservation, NetContactObservation } from '../../core/observation.js';
import { parseSigmaFile } from '../../intel/sigma/parse.js';
import { SigmaEngine } from './engine.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

function sysmon(eventId: number, data: Record<string, string>): LogEventObservation {
  return {
    kind: 'log-event',
    host: 'pc1',
    collectorId: 'test',
    source: { file: 'hand-made.json' },
    event: {
      Event: {
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
          EventID: eventId,
          Channel: SYSMON,
          Computer: 'pc1.example',
          EventRecordID: 1,
          TimeCreated: { '#attributes': { SystemTime: '2023-03-29T10:00:00.000000Z' } },
        },
        EventData: data,
      },
    },
  };
}

function proxy(fields: Record<string, string>): LogEventObservation {
  return {
    kind: 'log-event',
    host: 'proxy1',
    collectorId: 'test',
    source: { file: 'proxy.log' },
    channel: 'proxy',
    event: fields,
  };
}

const APP = 'C:\\Users\\bob\\AppData\\Local\\Programs\\3CXDesktopApp\\3CXDesktopApp.exe';

interface Case {
  file: string;
  id: string;
  hit: LogEventObservation | NetContactObservation;
  miss: LogEventObservation | NetContactObservation;
}

const CASES: Case[] = [
  {
    file: 'dns_query_win_malware_3cx_compromise.yml',
    id: 'bd03a0dc-5d93-49eb-b2e8-2dfd268600f8',
    hit: sysmon(22, { Image: APP, QueryName: 'www.msstorageazure.com' }),
    miss: sysmon(22, { Image: APP, QueryName: 'www.msstorageazure.co' }),
  },
  {
    file: 'image_load_malware_3cx_compromise_susp_dll.yml',
    id: 'd0b65ad3-e945-435e-a7a9-438e62dd48e9',
    hit: sysmon(7, {
      Image: APP,
      ImageLoaded: 'C:\\x\\ffmpeg.dll',
      Hashes: 'MD5=74BC2D0B6680FAA1A5A76B27E5479CBC,SHA256=00',
    }),
    miss: sysmon(7, {
      Image: APP,
      ImageLoaded: 'C:\\x\\ffmpeg.dll',
      Hashes: 'MD5=74BC2D0B6680FAA1A5A76B27E5479CBD,SHA256=00',
    }),
  },
  {
    file: 'net_connection_win_malware_3cx_compromise_beaconing_activity.yml',
    id: '51eecf75-d069-43c7-9ea2-63f75499edd4',
    hit: sysmon(3, { Image: APP, DestinationHostname: 'akamaicontainer.com' }),
    // right domain, wrong process
    miss: sysmon(3, {
      Image: 'C:\\Program Files\\Mozilla Firefox\\firefox.exe',
      DestinationHostname: 'akamaicontainer.com',
    }),
  },
  {
    file: 'proc_creation_win_malware_3cx_compromise_execution.yml',
    id: '93bbde78-dc86-4e73-9ffc-ff8a384ca89c',
    hit: sysmon(1, {
      Image: APP,
      CommandLine: APP,
      Company: '3CX Ltd',
      Product: '3CX Desktop App',
      FileVersion: '18.12.416.0',
      Hashes: 'SHA256=00',
    }),
    miss: sysmon(1, {
      Image: APP,
      CommandLine: APP,
      Company: '3CX Ltd',
      Product: '3CX Desktop App',
      FileVersion: '18.13.959.0',
      Hashes: 'SHA256=00',
    }),
  },
  {
    file: 'proc_creation_win_malware_3cx_compromise_susp_children.yml',
    id: '63f3605b-979f-48c2-b7cc-7f90523fed88',
    hit: sysmon(1, {
      ParentImage: APP,
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd.exe /c whoami',
    }),
    miss: sysmon(1, {
      ParentImage: APP,
      Image: 'C:\\Windows\\System32\\notepad.exe',
      CommandLine: 'notepad.exe',
    }),
  },
  {
    file: 'proc_creation_win_malware_3cx_compromise_susp_update.yml',
    id: 'e7581747-1e44-4d4b-85a6-0db0b4a00f2a',
    hit: sysmon(1, {
      Image: 'C:\\Users\\bob\\AppData\\Local\\Programs\\3CXDesktopApp\\app\\update.exe',
      CommandLine: 'update.exe --update http://x.example/electron/update/win32/18.12.416',
    }),
    miss: sysmon(1, {
      Image: 'C:\\Users\\bob\\AppData\\Local\\Programs\\3CXDesktopApp\\app\\update.exe',
      CommandLine: 'update.exe --update http://x.example/electron/update/win32/18.13.959',
    }),
  },
  {
    file: 'proxy_malware_3cx_compromise_c2_beacon_activity.yml',
    id: '3c4b3bbf-36b4-470c-b6cf-f07e8b1c7e26',
    hit: proxy({ 'cs-host': 'pbxsources.com', 'c-uri': 'https://pbxsources.com/x' }),
    miss: proxy({ 'cs-host': 'pbxsource.com', 'c-uri': 'https://pbxsource.com/x' }),
  },
  {
    file: 'proxy_malware_3cx_compromise_susp_ico_requests.yml',
    id: '76bc1601-9546-4b75-9419-06e0e8d10651',
    hit: proxy({ 'cs-host': 'raw.githubusercontent.com', 'c-uri': '/IconStorages/images/main/icon12.ico' }),
    miss: proxy({ 'cs-host': 'raw.githubusercontent.com', 'c-uri': '/IconStorages/images/main/icon12.png' }),
  },
];

describe('3CX Sigma rules', () => {
  let engine: SigmaEngine;
  const dir = sharedData('3cx', 'raw', 'sigma');

  beforeAll(() => {
    const rules = readdirSync(dir)
      .filter((f) => f.endsWith('.yml'))
      .flatMap((f) => parseSigmaFile(readFileSync(path.join(dir, f), 'utf8'), f).rules);
    engine = new SigmaEngine(rules);
  });

  it('loads all eight rules and compiles them', () => {
    expect(engine.stats.total).toBe(8);
    expect(engine.stats.compiled).toBe(8);
    expect(engine.stats.unrouted).toEqual([]);
    expect(new Set(CASES.map((c) => c.file)).size).toBe(8);
  });

  it.each(CASES.map((c) => [c.file, c] as const))('%s fires on its event and not on a near miss', (_f, c) => {
    const rule = engine.rules.find((r) => r.rule.file === c.file);
    expect(rule?.rule.id).toBe(c.id);
    const hit = engine.match(c.hit).filter((f) => f.rule?.id === c.id);
    expect(hit).toHaveLength(1);
    expect(hit[0]!.kind).toBe('sigma');
    expect(hit[0]!.rule?.author).toMatch(/\S/);
    expect(engine.match(c.miss).filter((f) => f.rule?.id === c.id)).toHaveLength(0);
  });

  it('proxy rules also fire on Zeek http.log fields and on net-contact observations (field mappings)', () => {
    const zeek: LogEventObservation = {
      kind: 'log-event',
      host: 'sensor',
      collectorId: 'test',
      source: { file: 'http.log' },
      channel: 'zeek/http',
      event: { host: 'www.journalide.org', uri: '/x', user_agent: 'Mozilla' },
    };
    expect(engine.match(zeek).map((f) => f.rule?.id)).toContain('3c4b3bbf-36b4-470c-b6cf-f07e8b1c7e26');
    const nc: NetContactObservation = {
      kind: 'net-contact',
      host: 'sensor',
      collectorId: 'test',
      source: { file: 'http.log' },
      logType: 'zeek/http',
      fqdn: 'officestoragebox.com',
      url: 'http://officestoragebox.com/',
    };
    expect(engine.match(nc).map((f) => f.rule?.id)).toContain('3c4b3bbf-36b4-470c-b6cf-f07e8b1c7e26');
    expect(engine.match({ ...nc, fqdn: 'example.com', url: 'http://example.com/' })).toEqual([]);
  });
});
