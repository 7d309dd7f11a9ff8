#!/usr/bin/env node
// npm run bench: this library against dockerode and raw node:http / undici, every client in a
// fresh process, several runs in turn, medians printed side by side with ratios to raw node:http
// (the limit: the same socket read with nothing on top) and each target judged beside its figure.
//   (a) demultiplexing 512 MiB–1 GiB of logs served by a local unix-socket server (bench/support/log-server.mjs)
//   (b) 2,000 container inspects, one at a time and 16 in flight, on each real engine
//   (c) following 1 GiB of logs from the newest real engine at 50 MB/s: peak RSS
//   (d) build-context tarring of 10,000 files / 100 MB (bench/build-context.mjs, a table of its own)
//   (e) cold import of the built package (bench/cold-import.mjs; builds dist/ first when stale)
//   (f) BuildKit against the classic builder on the same context (bench/build-builders.mjs, a table of its own)
// Options: --only=a,b,c,d,e,f  --runs=N (default 5)  --inspect-runs=N (default 11)  --follow-runs=N (default 2)
//          --import-runs=N (default 15)  --builder-runs=N (default 3)
// On a shared machine run it under the engines' lock: flock /tmp/engine-tests.lock npm run bench
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { enginesDown, enginesStatus, enginesUp } from '../scripts/engines/index.mjs';
import { busyboxContainer, removeContainer } from './support/engine.mjs';
import { coldImportBench } from './cold-import.mjs';
import { ensureBuilt } from './support/build.mjs';
import { median, printTable, ratioCell } from './support/report.mjs';

const options = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
const only = new Set((options.only ?? 'a,b,c,d,e,f').split(','));
const runs = Number(options.runs ?? 5);
// A phase of 2,000 inspects lasts 0.1–0.7 s, at the mercy of the engine's scheduling: more runs than
// the others, each still one fresh process, so that the median settles.
const inspectRuns = Number(options['inspect-runs'] ?? 11);
const followRuns = Number(options['follow-runs'] ?? 2);
const importRuns = Number(options['import-runs'] ?? 15);
const builderRuns = Number(options['builder-runs'] ?? 3);
const MiB = 1024 * 1024;
const root = new URL('..', import.meta.url).pathname;

// No client takes this long; one that does is stuck, and must not hold the engines' lock forever.
const CLIENT_TIMEOUT_MS = 10 * 60_000;

/** Runs one client in a fresh Node process and returns the JSON it prints last. */
function runClient(script, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL(script, import.meta.url).pathname, ...args.map(String)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: CLIENT_TIMEOUT_MS,
    });
    let last = '';
    child.stdout.on('data', (chunk) => (last += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited with ${code}`));
      resolve(JSON.parse(last.trim().split('\n').at(-1)));
    });
  });
}

const progress = (text) => process.stderr.write(`  ${text}\n`);
/** Each run visits the clients in a different order, so a load spike does not always hit the same one. */
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

async function startLogServer() {
  const server = spawn(process.execPath, [new URL('./support/log-server.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const stop = () => {
    server.kill('SIGTERM');
    server.disconnect();
  };
  const listening = createInterface({ input: server.stdout })[Symbol.asyncIterator]().next();
  const { value: socketPath } = await Promise.race([listening, sleep(10_000).then(() => ({ value: undefined }))]);
  if (!socketPath) {
    stop();
    throw new Error('the benchmark log server did not start');
  }
  return { socketPath, stop };
}

// (a) ─────────────────────────────────────────────────────────────────────────────────────────
const frameSizes = [128, 64 * 1024, 16 * MiB];
const demuxClients = [
  ['raw-http', 'raw node:http (no demux)'],
  ['raw-undici', 'raw undici (no demux)'],
  ['library', 'this library, frame by frame'],
  ['library-batches', 'this library, batches()'],
  ['floor-awaits', 'floor: a view per frame, one for-await step each'],
  ['floor-views', 'floor: a view per frame, in an array per chunk'],
  ['dockerode', 'dockerode demuxStream'],
];
// Each way the library hands out frames, and the floor of that way (bench/clients/demux.ts): the
// least any reader can do that hands out the same thing, so what the API shape itself costs.
const demuxFloors = [
  ['library', 'floor-awaits', 'this library frame by frame, × its floor'],
  ['library-batches', 'floor-views', 'this library in batches(), × its floor'],
];
// What the issue asks of the library against raw node:http, per frame size.
const demuxTargets = {
  library: { 128: { atLeast: 0.5 }, [64 * 1024]: { atLeast: 0.8 }, [16 * MiB]: { atLeast: 0.8 } },
  'library-batches': { 128: { atLeast: 0.8 }, [64 * 1024]: { atLeast: 0.8 }, [16 * MiB]: { atLeast: 0.8 } },
};
// A read of a few hundred milliseconds is at the mercy of whatever else the machine does: the fast
// readers get 1 GiB of large frames and 512 MiB of small ones (a second or so each). dockerode needs
// seconds per MiB on small and huge frames; it reads 32 MiB there (the rate is what counts).
function contentMiB(client, frameSize) {
  if (client === 'dockerode') return frameSize === 64 * 1024 ? 256 : 32;
  return frameSize === 128 ? 512 : 1024;
}

async function demuxBench() {
  const server = await startLogServer();
  const rates = new Map();
  try {
    for (let run = 0; run < runs; run++) {
      for (const frameSize of frameSizes) {
        for (const [client] of rotate(demuxClients, run)) {
          const mebibytes = contentMiB(client, frameSize);
          const { seconds, payload } = await runClient('./clients/demux.ts', [client, server.socketPath, frameSize, mebibytes]);
          if (payload !== mebibytes * MiB) throw new Error(`${client} read ${payload} bytes of content, not ${mebibytes} MiB`);
          const key = `${client}/${frameSize}`;
          rates.set(key, [...(rates.get(key) ?? []), (mebibytes * MiB) / 1e6 / seconds]);
          progress(`(a) run ${run + 1}/${runs} ${client} ${frameSize} B frames: ${((mebibytes * MiB) / 1e6 / seconds).toFixed(0)} MB/s`);
        }
      }
    }
  } finally {
    server.stop();
  }
  const rate = (client, size) => median(rates.get(`${client}/${size}`));
  const sizeTitles = frameSizes.map((size) => `${size === 128 ? '128 B' : size === 65536 ? '64 KiB' : '16 MiB'} frames`);
  return [
    {
      columns: ['(a) demultiplex logs (512 MiB of 128 B frames, 1 GiB of larger), MB/s, × raw node:http', ...sizeTitles],
      rows: demuxClients.map(([client, label]) => [
        label,
        ...frameSizes.map((size) => ratioCell(rate(client, size), rate('raw-http', size), demuxTargets[client]?.[size])),
      ]),
    },
    {
      columns: ['(a) the same medians, MB/s, × the floor of the same API shape', ...sizeTitles],
      rows: demuxFloors.map(([client, floor, label]) => [label, ...frameSizes.map((size) => ratioCell(rate(client, size), rate(floor, size)))]),
    },
  ];
}

// (b) ─────────────────────────────────────────────────────────────────────────────────────────
const inspectClients = [
  ['raw-http', 'raw node:http request (keep-alive Agent)'],
  ['raw-undici', 'raw undici.request'],
  ['library', 'this library (docker.containers.inspect)'],
  ['dockerode', 'dockerode (container.inspect)'],
];
const CALLS = 2000;
const IN_FLIGHT = 16;
const INSPECT_TARGET = { atLeast: 0.95 };

async function inspectBench(engines) {
  const rates = new Map();
  const cpuPerCall = new Map();
  const record = (map, key, value) => map.set(key, [...(map.get(key) ?? []), value]);
  for (const engine of engines) {
    const id = await busyboxContainer(engine.socket, { cmd: ['true'] });
    try {
      for (let run = 0; run < inspectRuns; run++) {
        for (const [client] of rotate(inspectClients, run)) {
          const answer = await runClient('./clients/inspect.ts', [client, engine.socket, id, engine.apiVersion, CALLS, IN_FLIGHT]);
          for (const [mode, seconds, cpu] of [
            ['seq', answer.sequential, answer.sequentialCpu],
            ['par', answer.concurrent, answer.concurrentCpu],
          ]) {
            record(rates, `${client}/${engine.name}/${mode}`, CALLS / seconds);
            record(cpuPerCall, `${client}/${engine.name}/${mode}`, cpu);
          }
          progress(
            `(b) run ${run + 1}/${inspectRuns} ${client} on ${engine.name}: ${(CALLS / answer.sequential).toFixed(0)}/s one at a time, ${(CALLS / answer.concurrent).toFixed(0)}/s ${IN_FLIGHT} in flight`,
          );
        }
      }
    } finally {
      await removeContainer(engine.socket, id);
    }
  }
  const cells = engines.flatMap((engine) => ['seq', 'par'].map((mode) => [engine.name, mode]));
  const columnTitles = cells.map(([name, mode]) => `${name} ${mode === 'seq' ? '1 at a time' : `${IN_FLIGHT} in flight`}`);
  const rate = (client, [name, mode]) => median(rates.get(`${client}/${name}/${mode}`));
  const cpu = (client, [name, mode]) => median(cpuPerCall.get(`${client}/${name}/${mode}`));
  // Neither raw client is always ahead here, so the limit of each column is the faster of the two.
  const limit = (cell) => Math.max(rate('raw-http', cell), rate('raw-undici', cell));
  return [
    {
      columns: [`(b) ${CALLS.toLocaleString('en')} container inspects, calls/s, × faster raw`, ...columnTitles],
      rows: inspectClients.map(([client, label]) => [
        label,
        ...cells.map((cell) => ratioCell(rate(client, cell), limit(cell), client === 'library' ? INSPECT_TARGET : undefined)),
      ]),
    },
    // What each client itself spends per call, which the engine's pace does not blur.
    {
      columns: ['(b) the same calls: CPU time of the client process per call, µs, × raw node:http', ...columnTitles],
      rows: inspectClients.map(([client, label]) => [label, ...cells.map((cell) => ratioCell(cpu(client, cell), cpu('raw-http', cell)))]),
    },
  ];
}

// (c) ─────────────────────────────────────────────────────────────────────────────────────────
const followClients = [
  ['raw-http', 'raw node:http get'],
  ['raw-undici', 'raw undici.request'],
  ['library', 'this library (docker.logs, follow)'],
  ['dockerode', 'dockerode (logs + demuxStream)'],
];
const LOG_BYTES = 1024 * MiB;
const RATE = 50e6;
const FOLLOW_TARGET = { atMost: 1.2 };

async function followBench(engine) {
  // 1 GiB of 1,000-byte lines. The `local` log driver: the engine serves it faster than json-file,
  // faster than the consumer takes it, which is what makes buffering (or its absence) show.
  progress(`(c) writing ${LOG_BYTES / MiB} MiB of logs in a container on ${engine.name}…`);
  const id = await busyboxContainer(engine.socket, {
    cmd: ['sh', '-c', `L=$(head -c 999 /dev/zero | tr '\\0' x); yes "$L" | head -c ${LOG_BYTES}`],
    logConfig: { Type: 'local', Config: { 'max-size': '2g', 'max-file': '1', compress: 'false' } },
    start: true,
  });
  const peaks = new Map();
  try {
    for (let run = 0; run < followRuns; run++) {
      for (const [client] of rotate(followClients, run)) {
        const { peakRssMiB, seconds, bytes } = await runClient('./clients/follow.ts', [client, engine.socket, id, engine.apiVersion, RATE]);
        if (bytes < LOG_BYTES) throw new Error(`${client} read only ${bytes} bytes of logs`);
        peaks.set(client, [...(peaks.get(client) ?? []), peakRssMiB]);
        progress(`(c) run ${run + 1}/${followRuns} ${client}: peak RSS ${peakRssMiB.toFixed(0)} MiB in ${seconds.toFixed(1)} s`);
      }
    }
  } finally {
    await removeContainer(engine.socket, id);
  }
  const peak = (client) => median(peaks.get(client));
  return {
    columns: [`(c) follow 1 GiB of logs at 50 MB/s (${engine.name}), × raw node:http`, 'peak RSS MiB'],
    rows: followClients.map(([client, label]) => [label, ratioCell(peak(client), peak('raw-http'), client === 'library' ? FOLLOW_TARGET : undefined)]),
  };
}

// (d) ─────────────────────────────────────────────────────────────────────────────────────────
// Its contenders, ratios (to GNU tar) and file-set verdicts make a table of a different shape, so
// the script prints its own; it runs while the engines are up, to check the file set with the CLI.
function buildContextBench() {
  return tableOf([new URL('./build-context.mjs', import.meta.url).pathname, '--runs', String(runs)]);
}

// (f) ─────────────────────────────────────────────────────────────────────────────────────────
// Build times with each builder, a table of its own too; it runs the library from source (tsx).
function buildersBench() {
  return tableOf(['--import', 'tsx', new URL('./build-builders.mjs', import.meta.url).pathname, '--runs', String(builderRuns)]);
}

/** Runs a benchmark script that prints a table of its own and returns that table. */
function tableOf(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], timeout: CLIENT_TIMEOUT_MS });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${args.at(-3)} exited with ${code}`))));
  });
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
const started = Date.now();
// Filled as the parts run, printed in letter order: (e) runs before the engines start, not after.
const sections = {};
let buildContextTable = '';
let buildersTable = '';
let startedEngines = [];
try {
  // The clients load the package as it ships: build dist/ first when it is missing or stale.
  if (['a', 'b', 'c', 'e'].some((part) => only.has(part)) && ensureBuilt(root)) progress('built dist/ (it was missing or older than its sources)');
  if (only.has('a')) sections.a = await demuxBench();
  if (only.has('e')) sections.e = coldImportBench(importRuns, progress);
  if (['b', 'c', 'd', 'f'].some((part) => only.has(part))) {
    const before = await enginesStatus();
    const engines = await enginesUp();
    startedEngines = before.filter((engine) => !engine.up).map((engine) => engine.name);
    if (only.has('b')) sections.b = await inspectBench(engines);
    if (only.has('c')) sections.c = await followBench(engines.find((engine) => engine.name === 'newest'));
    if (only.has('d')) {
      progress('(d) build-context tarring…');
      buildContextTable = await buildContextBench();
    }
    if (only.has('f')) {
      progress('(f) BuildKit and the classic builder…');
      buildersTable = await buildersBench();
    }
  }
} finally {
  if (startedEngines.length) await enginesDown(startedEngines);
}
const printed = ['a', 'b', 'c', 'e'].filter((part) => sections[part]).flatMap((part) => sections[part]);
const otherRuns = [sections.b && `${inspectRuns} for (b)`, sections.c && `${followRuns} for (c)`, sections.e && `${importRuns} for (e)`].filter(Boolean);
if (printed.length) {
  printTable(
    `Medians of ${runs} runs${otherRuns.length ? ` (${otherRuns.join(', ')})` : ''}, each client in a fresh process; ratios are to raw node:http${sections.b ? ', in (b) to the faster raw client' : ''}. Node ${process.version}, ${Math.round((Date.now() - started) / 1000)} s in all.`,
    printed,
  );
}
if (buildContextTable) process.stdout.write(`\n(d) ${buildContextTable}`);
if (buildersTable) process.stdout.write(`\n(f) ${buildersTable}`);
