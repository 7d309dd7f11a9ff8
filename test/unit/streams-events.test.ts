// The events feed against a fake engine on a unix socket (support/fake-engine.ts), which can cut
// connections at chosen points, repeat events around a reconnect and speak 1.52's JSON
// sequences: things a real daemon does only at a restart. The real restart is in
// test/engine/streams-events.test.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BadRequestError, createDocker, DockerConnectionError } from '../../src/index.js';
import { fakeEngine, json, type FakeEngine } from './support/fake-engine.js';

let engine: FakeEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

// Nanosecond times beyond a double's precision: 1700000000123456789 is not representable.
function event(name: string, timeNano: string) {
  return `{"Type":"container","Action":"start","Actor":{"ID":"${name}","Attributes":{"name":"${name}","timeNano":"0"}},"scope":"local","time":${timeNano.slice(0, 10)},"timeNano":${timeNano}}`;
}
const T1 = '1700000000100000000';
const T2 = '1700000000123456789';
const T3 = '1700000001000000000';

type Step = (req: IncomingMessage, res: ServerResponse) => void;

/** Answers each connection with the next step. */
function scripted(steps: Step[]): { handler: Step; seen: IncomingMessage[] } {
  const seen: IncomingMessage[] = [];
  return {
    seen,
    handler: (req, res) => {
      seen.push(req);
      const step = steps[seen.length - 1] ?? ((_, r) => r.destroy());
      step(req, res);
    },
  };
}

function streamThenCut(records: string[], separator: (record: string) => string): Step {
  return (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json-seq' });
    res.write(records.map(separator).join(''));
    setTimeout(() => res.destroy(), 20);
  };
}

const jsonSeq = (record: string) => `\x1e${record}\n`;
const ndjson = (record: string) => `${record}\n`;

describe('docker.events against a fake engine', () => {
  it('reconnects after the connection breaks, resumes from the exact last time, and drops only true repeats', async () => {
    const script = scripted([
      streamThenCut([event('e1', T1), event('e2', T2), event('e3', T2)], jsonSeq),
      // The engine repeats what happened at the resume time, including e4 that was not delivered yet.
      streamThenCut([event('e2', T2), event('e3', T2), event('e4', T2), event('e5', T3)], jsonSeq),
      (req, res) => res.destroy(), // the engine is still restarting
      (req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json-seq' });
        res.end([event('e5', T3), event('e6', T3)].map(jsonSeq).join(''));
      },
    ]);
    engine = await fakeEngine(script.handler, { apiVersion: '1.52' });
    const docker = createDocker({ socketPath: engine.socketPath });
    const names: string[] = [];
    const times: number[] = [];
    for await (const received of docker.events({ until: '1800000000', reconnect: { initialDelay: 5 }, filters: { type: ['container'] } })) {
      names.push(received.Actor.ID);
      times.push(received.timeNano!);
    }
    expect(names).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const filters = encodeURIComponent('{"type":["container"]}');
    expect(script.seen.map((req) => req.url)).toEqual([
      `/v1.52/events?until=1800000000&filters=${filters}`,
      `/v1.52/events?since=1700000000.123456789&until=1800000000&filters=${filters}`,
      `/v1.52/events?since=1700000001.000000000&until=1800000000&filters=${filters}`,
      `/v1.52/events?since=1700000001.000000000&until=1800000000&filters=${filters}`,
    ]);
    expect(script.seen.map((req) => req.headers.accept)).toEqual(Array(4).fill('application/json-seq, application/x-ndjson'));
    await docker.close();
  });

  it('sends no Accept header before 1.52 and reads plain NDJSON', async () => {
    const script = scripted([
      (req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end([event('a', T1), event('b', T2)].map(ndjson).join(''));
      },
    ]);
    engine = await fakeEngine(script.handler, { apiVersion: '1.51' });
    const docker = createDocker({ socketPath: engine.socketPath });
    const names: string[] = [];
    for await (const received of docker.events({ since: new Date(1_700_000_000_000), until: 1700000002 })) names.push(received.Actor.ID);
    expect(names).toEqual(['a', 'b']);
    expect(script.seen[0]!.headers.accept).toBeUndefined();
    expect(script.seen[0]!.url).toBe('/v1.51/events?since=1700000000.000000000&until=1700000002.000000000');
    await docker.close();
  });

  it('ends quietly when aborted while waiting for the next event', async () => {
    let closed = false;
    engine = await fakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(ndjson(event('only', T1)));
      res.on('close', () => (closed = true));
    });
    const docker = createDocker({ socketPath: engine.socketPath });
    const controller = new AbortController();
    const names: string[] = [];
    setTimeout(() => controller.abort(), 100);
    for await (const received of docker.events({ signal: controller.signal })) names.push(received.Actor.ID);
    expect(names).toEqual(['only']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(true);
    await docker.close();
  });

  it('ends quietly when aborted while waiting to reconnect', async () => {
    engine = await fakeEngine((req, res) => res.destroy());
    const docker = createDocker({ socketPath: engine.socketPath });
    const started = Date.now();
    const names: string[] = [];
    for await (const received of docker.events({ signal: AbortSignal.timeout(150), reconnect: { initialDelay: 1000 } })) names.push(String(received));
    expect(names).toEqual([]);
    expect(Date.now() - started).toBeLessThan(900);
    await docker.close();
  });

  it('gives up with the connection error once the engine has been unreachable for the timeout', async () => {
    engine = await fakeEngine((req, res) => res.destroy());
    const docker = createDocker({ socketPath: engine.socketPath });
    const attempts = () => engine!.requests.filter((r) => r.startsWith('GET /v1.45/events')).length;
    const error = await (async () => {
      for await (const received of docker.events({ reconnect: { initialDelay: 10, maxDelay: 40, timeout: 300 } })) void received;
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DockerConnectionError);
    expect(attempts()).toBeGreaterThanOrEqual(4);
    await docker.close();
  });

  it('does not retry what is not a lost connection, nor when reconnecting is off', async () => {
    engine = await fakeEngine((req, res) => json(res, 400, { message: 'invalid filter "bogus"' }));
    const docker = createDocker({ socketPath: engine.socketPath });
    await expect(docker.events().next()).rejects.toBeInstanceOf(BadRequestError);
    await engine.close();
    engine = await fakeEngine((req, res) => res.destroy());
    const other = createDocker({ socketPath: engine.socketPath });
    await expect(other.events({ reconnect: false }).next()).rejects.toBeInstanceOf(DockerConnectionError);
    expect(engine.requests.filter((r) => r.includes('/events'))).toHaveLength(1);
    await docker.close();
    await other.close();
  });
});
