// docker.events() against the real engines: live events in order, filters, since/until, abort,
// every record checked against the spec; and, on the newest engine only, a REAL daemon restart
// (scripts/engines.mjs down + up, the engine is up again afterwards): the stream reconnects and
// resumes from its last event without losing or repeating one.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { BadRequestError, type DockerEvent } from '../../src/index.js';
import { isPodman, targets, type Target } from './support/targets.js';

type Event = DockerEvent<'1.41'>;

/** The raw text of a finished event query, straight over the socket (to read exact `timeNano` digits). */
function rawEvents(socketPath: string, query: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: `/events?${query}` }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads events in the background; `next(n)` waits until n events have arrived in all. */
function collect(events: AsyncIterable<Event>) {
  const received: Event[] = [];
  let wake: (() => void) | undefined;
  const finished = (async () => {
    for await (const event of events) {
      received.push(event);
      wake?.();
    }
  })();
  const next = async (count: number, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (received.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${received.length} of ${count} events arrived: ${JSON.stringify(received.map(summarize))}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
    return received.slice(0, count);
  };
  return { received, finished, next };
}

const summarize = (event: Event) => `${event.Action} ${event.Actor.Attributes?.name ?? event.Actor.ID}`;
/** A run label of its own per target, so no target sees another's containers or events. */
function withHelpers({ docker }: Target) {
  const run = randomUUID().slice(0, 8);
  const created: string[] = [];
  const create = async (name: string) => {
    const { Id } = await docker.containers.create({
      name: `${name}-${run}`,
      body: { Image: 'busybox:latest', Labels: { 'test.run': run }, HostConfig: { NetworkMode: 'none' }, Cmd: ['true'] },
    });
    created.push(Id);
    return Id;
  };
  const cleanUp = async () => {
    for (const id of created) await docker.containers.delete({ id, force: true }).catch(() => undefined);
  };
  return { run, create, cleanUp };
}

describe.each(targets())('events on $label', (target) => {
  const { docker, conformance, engine } = target;
  const podman = isPodman(engine);
  const { run, create, cleanUp } = withHelpers(target);
  const filters = { label: [`test.run=${run}`], type: ['container' as const] };
  afterAll(cleanUp);

  it(`delivers live events in order, filtered, each as the spec describes it${podman ? ' (Podman 4.3 adds init and cleanup, and says remove, not destroy)' : ''}`, async () => {
    const controller = new AbortController();
    const stream = collect(docker.events({ filters, signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the subscription is open
    const id = await create('live');
    await docker.containers.start({ id });
    await docker.containers.wait({ id });
    await docker.containers.delete({ id });
    const actions = podman ? ['create', 'init', 'start', 'die', 'cleanup', 'remove'] : ['create', 'start', 'die', 'destroy'];
    const events = await stream.next(actions.length);
    controller.abort();
    await stream.finished;
    for (const event of events) conformance.check('SystemEvents', event);
    expect(events.map(summarize)).toEqual(actions.map((action) => `${action} live-${run}`));
    expect(events.every((event) => event.Actor.ID === id && event.Type === 'container')).toBe(true);
    const times = events.map((event) => event.timeNano!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('replays a finished window with since and until, then ends', async () => {
    const before = new Date(Date.now() - 1000);
    await create('window-a');
    await create('window-b');
    const events: Event[] = [];
    const windowFilters = { ...filters, container: [`window-a-${run}`, `window-b-${run}`] };
    for await (const event of docker.events({ filters: windowFilters, since: before, until: new Date(Date.now() + 500) })) events.push(event);
    expect(events.map(summarize)).toEqual([`create window-a-${run}`, `create window-b-${run}`]);
  });

  // Podman 4.3 sometimes leaves the event of exactly `since` out (in about one read of three here),
  // so a stream resumed from an event's time may miss events of that same nanosecond there.
  it.skipIf(podman)('includes the events of exactly `since`, down to the nanosecond (what deduplication relies on; Podman 4.3 does not always)', async () => {
    await create('exact');
    const query = `filters=${encodeURIComponent(JSON.stringify({ label: [`test.run=${run}`], event: ['create'] }))}`;
    const raw = await rawEvents(engine.socket, `${query}&since=0&until=${Math.ceil(Date.now() / 1000) + 1}`);
    const nanos = /"timeNano":(\d+)/.exec(raw.trim().split('\n').at(-1)!)![1]!;
    const exact = `${nanos.slice(0, -9)}.${nanos.slice(-9)}`;
    const events: Event[] = [];
    for await (const event of docker.events({ filters: { ...filters, event: ['create'] }, since: exact, until: Date.now() / 1000 + 1 })) events.push(event);
    expect(events.map(summarize)).toEqual([`create exact-${run}`]);
  });

  it('ends quietly when aborted while no event comes', async () => {
    const started = Date.now();
    const events: Event[] = [];
    for await (const event of docker.events({ filters, signal: AbortSignal.timeout(300) })) events.push(event);
    expect(events).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it(`fails with a typed error when the engine refuses the query${podman ? ' (Podman 4.3 refuses none: until before since ends the stream at once, empty)' : ''}`, async () => {
    const first = docker.events({ since: '2000000000', until: '1000000000' }).next();
    if (podman) return expect(first).resolves.toEqual({ value: undefined, done: true });
    await expect(first).rejects.toBeInstanceOf(BadRequestError);
  });
});

const newest = targets().filter((target) => target.engine.name === 'newest' && target.apiVersion === target.engine.apiVersion);

describe.each(newest)('events across a real restart of $label', (target) => {
  const { docker } = target;
  const { run, create, cleanUp } = withHelpers(target);
  const engines = (command: 'up' | 'down') => promisify(execFile)(process.execPath, ['scripts/engines.mjs', command, 'newest'], { cwd: process.cwd() });

  afterAll(async () => {
    await engines('up'); // whatever happened, the engine is up again for everyone else
    await cleanUp();
  });

  it('reconnects after the daemon restarts and resumes from the last event, none lost, none twice', async () => {
    const controller = new AbortController();
    const stream = collect(
      docker.events({
        filters: { label: [`test.run=${run}`], type: ['container'] },
        signal: controller.signal,
        reconnect: { initialDelay: 250, maxDelay: 4000, timeout: 120_000 },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await create('before-restart');
    await stream.next(1);

    await engines('down');
    await engines('up');
    // Created as soon as the engine answers again: the stream may not have reconnected yet, so
    // these come either live or from the engine's replay of everything since the last event.
    await create('after-restart-1');
    await create('after-restart-2');
    const events = await stream.next(3, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // time for a wrongly repeated event to show up
    controller.abort();
    await stream.finished;
    expect(stream.received.map(summarize)).toEqual([`create before-restart-${run}`, `create after-restart-1-${run}`, `create after-restart-2-${run}`]);
    expect(events[2]!.timeNano!).toBeGreaterThan(events[0]!.timeNano!);
  });
});
