// The event stream on real engines, read in bounded windows: the test records a start time, makes
// something happen (a labelled container created, run and removed; a network created and removed),
// then asks for the events since that time until a moment just ahead, which makes the engine end
// the answer. Every event is validated against the spec of the API version in use (the spec
// describes each record of the stream as the JSON success answer of SystemEvents).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/index.js';
import { compareApiVersions } from '../../src/api-version.js';
import { engineRequest, readJsonRecords } from './support/plugin-fixtures.js';
import { isPodman, targets } from './support/targets.js';

type Event = {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> | null };
  scope?: string;
  time?: number;
  timeNano?: number;
  status?: string;
  id?: string;
  from?: string;
};

const seconds = (ms: number) => (ms / 1000).toFixed(3);

// Podman 4.3 answers a window whose `until` has already passed with no events at all: only the
// first read of the window, made before `until`, sees them there.
const PAST_WINDOW = " (skipped on Podman 4.3: it returns no events once the window's `until` has passed)";

describe.each(targets())('events on $label', ({ docker, engine, apiVersion, conformance }) => {
  const podman = isPodman(engine);
  const run = randomUUID().slice(0, 8);
  const containerName = `events-${run}`;
  const networkName = `events-net-${run}`;
  const legacyFields = compareApiVersions(apiVersion, '1.52') < 0;
  let since = '';
  let until = '';
  let containerId = '';
  let networkId = '';

  const read = async (filters: Record<string, string[]>): Promise<Event[]> => {
    const answer = await docker.system.events({ since, until, filters });
    expect(answer.status).toBe(200);
    const events = (await readJsonRecords(answer.body)) as Event[];
    for (const event of events) conformance.check('SystemEvents', event);
    return events;
  };

  beforeAll(async () => {
    since = seconds(Date.now() - 1000);
    const { Id } = await docker.containers.create({
      name: containerName,
      // No network: the run must not depend on the state of the engine's default bridge.
      body: { Image: 'busybox:latest', Cmd: ['sh', '-c', 'exit 3'], Labels: { 'test.run': run }, HostConfig: { NetworkMode: 'none' } },
    });
    containerId = Id;
    await docker.containers.start({ id: Id });
    await docker.containers.wait({ id: Id });
    await docker.containers.delete({ id: Id });

    // Networks straight over the socket: this file is about the events they cause.
    const created = await engineRequest(engine.socket, 'POST', '/networks/create', {
      body: JSON.stringify({ Name: networkName, Labels: { 'test.run': run } }),
      headers: { 'content-type': 'application/json' },
    });
    expect(created.status).toBe(201);
    networkId = (JSON.parse(created.body.toString()) as { Id: string }).Id;
    expect((await engineRequest(engine.socket, 'DELETE', `/networks/${networkId}`)).status).toBe(204);
    until = seconds(Date.now() + 1000);
  });

  it(`reads a finite window (since T0, until now+1s) filtered by label: the container was created, started, died and destroyed, in order${podman ? ' (Podman 4.3 adds init and cleanup, and says remove, not destroy; its image is localhost/busybox)' : ''}`, async () => {
    const answer = await docker.system.events({ since, until, filters: { label: [`test.run=${run}`] } });
    expect(answer.headers['content-type']).toBe('application/json');
    const events = (await readJsonRecords(answer.body)) as Event[];
    for (const event of events) conformance.check('SystemEvents', event);
    const mine = events.filter((event) => event.Type === 'container');
    expect(mine.map((event) => event.Action)).toEqual(podman ? ['create', 'init', 'start', 'die', 'cleanup', 'remove'] : ['create', 'start', 'die', 'destroy']);
    for (const event of mine) {
      expect(event.Actor.ID).toBe(containerId);
      expect(event.scope).toBe('local');
      expect(event.Actor.Attributes).toMatchObject({ name: containerName, image: podman ? 'localhost/busybox:latest' : 'busybox:latest', 'test.run': run });
    }
    expect(mine.find((event) => event.Action === 'die')!.Actor.Attributes).toMatchObject({ exitCode: '3' });
    const times = mine.map((event) => event.timeNano!);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(Math.floor(times[0]! / 1e9)).toBe(mine[0]!.time);
  });

  it.skipIf(podman)(
    `${legacyFields ? 'carries' : 'drops'} the legacy status/id/from keys of container events at API ${apiVersion} (dropped from 1.52)${podman ? PAST_WINDOW : ''}`,
    async () => {
      const events = await read({ container: [containerName] });
      expect(events.length).toBeGreaterThanOrEqual(4);
      for (const event of events) {
        if (legacyFields) expect(event).toMatchObject({ status: event.Action, id: containerId, from: 'busybox:latest' });
        else expect(event).not.toHaveProperty('status');
      }
    },
  );

  it.skipIf(podman)(`filters by type and container together, and by event action${podman ? PAST_WINDOW : ''}`, async () => {
    const byType = await read({ type: ['container'], container: [containerId] });
    expect(byType.map((event) => event.Action)).toEqual(['create', 'start', 'die', 'destroy']);
    const dies = await read({ container: [containerName], event: ['die'] });
    expect(dies.map((event) => event.Action)).toEqual(['die']);
    expect(await read({ type: ['volume'], container: [containerName] })).toEqual([]);
  });

  it.skipIf(podman)(`reports the network created and removed (filter network + type)${podman ? PAST_WINDOW : ''}`, async () => {
    const events = await read({ type: ['network'], network: [networkId] });
    expect(events.map((event) => event.Action)).toEqual(['create', 'destroy']);
    for (const event of events) {
      expect(event.Actor.ID).toBe(networkId);
      expect(event.Actor.Attributes).toMatchObject({ name: networkName, type: 'bridge' });
    }
  });

  it(`answers 400 (BadRequestError) when until lies before since${podman ? ' (Podman 4.3 answers 200 with no events)' : ''}`, async () => {
    const reversed = docker.system.events({ since: until, until: since });
    if (!podman) return expect(reversed).rejects.toBeInstanceOf(BadRequestError);
    const answer = await reversed;
    expect(answer.status).toBe(200);
    expect(await readJsonRecords(answer.body)).toEqual([]);
  });

  const negotiates = compareApiVersions(engine.apiVersion, '1.52') >= 0;
  it.skipIf(podman)(
    (negotiates
      ? `answers Accept: application/json-seq with records that start with 0x1E (engine API ${engine.apiVersion} negotiates)`
      : `ignores Accept: application/json-seq: engine API ${engine.apiVersion} has no content negotiation (it arrives in 1.52) and labels the newline-separated stream application/json`) +
      (podman ? PAST_WINDOW : ''),
    async () => {
      const query = new URLSearchParams({ since, until, filters: JSON.stringify({ container: [containerId] }) });
      const answer = await engineRequest(engine.socket, 'GET', `/v${apiVersion}/events?${query}`, { headers: { accept: 'application/json-seq' } });
      expect(answer.status).toBe(200);
      const text = answer.body.toString('utf8');
      if (negotiates) {
        expect(answer.headers['content-type']).toBe('application/json-seq');
        expect(text.startsWith('\x1e')).toBe(true);
        expect(text.split('\x1e').filter(Boolean)).toHaveLength(4);
      } else {
        expect(answer.headers['content-type']).toBe('application/json');
        expect(text).not.toContain('\x1e');
        expect(text.trim().split('\n')).toHaveLength(4);
      }
    },
  );
});
