import { describe, expect, it } from 'vitest';
import { parseEnvList, toEnvList } from '../../src/helpers/environment.js';
import { InvalidImageReferenceError, parseImageReference, repositoryAndTag } from '../../src/helpers/image-reference.js';
import { restartPolicy } from '../../src/helpers/restart-policy.js';
import { normalizeSignal } from '../../src/helpers/signals.js';

const digest = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it.each([
    ['busybox', { domain: 'docker.io', path: 'library/busybox', familiarName: 'busybox' }],
    ['busybox:1.36', { path: 'library/busybox', tag: '1.36' }],
    ['team/app', { domain: 'docker.io', path: 'team/app', familiarName: 'team/app' }],
    ['docker.io/library/busybox:latest', { familiarName: 'busybox', tag: 'latest', repository: 'docker.io/library/busybox' }],
    ['index.docker.io/team/app', { domain: 'docker.io', path: 'team/app' }],
    ['localhost/app', { domain: 'localhost', path: 'app', familiarName: 'localhost/app' }],
    ['localhost:5000/team/app:v1', { domain: 'localhost:5000', path: 'team/app', tag: 'v1', repository: 'localhost:5000/team/app' }],
    ['localhost.localdomain:5000/samalba/hipache:latest', { domain: 'localhost.localdomain:5000', path: 'samalba/hipache', tag: 'latest' }],
    ['[::1]:5000/app', { domain: '[::1]:5000', path: 'app' }],
    ['Registry.Example/app', { domain: 'Registry.Example', path: 'app' }],
    [`app@${digest}`, { path: 'library/app', digest }],
    [`ghcr.io/o/app:1.0@${digest}`, { domain: 'ghcr.io', path: 'o/app', tag: '1.0', digest }],
    ['a__b/c.d-e---f', { path: 'a__b/c.d-e---f' }],
  ])('parses %s', (text, expected) => {
    expect(parseImageReference(text)).toMatchObject(expected);
  });

  it.each([
    ['', /empty/],
    ['Busybox', /lowercase/],
    ['team/App', /lowercase/],
    ['app:', /not a valid tag/],
    ['app:-bad', /not a valid tag/],
    [`app:${'x'.repeat(129)}`, /not a valid tag/],
    ['app@sha256:abc', /not a valid digest/],
    ['app@', /not a valid digest/],
    ['team//app', /path component/],
    ['team/app_', /path component/],
    ['-app', /path component/],
    ['host:port/app', /not a valid port/],
    ['bad_host.com/app', /registry host/],
    [':tag', /names no repository/],
    [`a/${'b'.repeat(260)}`, /longer than 255/],
  ])('rejects %j with a typed error', (text, why) => {
    expect(() => parseImageReference(text)).toThrow(InvalidImageReferenceError);
    expect(() => parseImageReference(text)).toThrow(why);
  });

  it('splits repository and tag as pull and tag take them', () => {
    expect(repositoryAndTag('busybox')).toEqual({ repository: 'busybox', tag: 'latest' });
    expect(repositoryAndTag('localhost:5000/app:v2')).toEqual({ repository: 'localhost:5000/app', tag: 'v2' });
    expect(repositoryAndTag(`localhost:5000/app@${digest}`)).toEqual({ repository: 'localhost:5000/app', tag: digest });
  });
});

describe('environment lists', () => {
  it('round-trips, keeping = inside values and bare names', () => {
    const list = toEnvList({ A: '1', B: 'x=y', C: undefined, D: 0, E: false });
    expect(list).toEqual(['A=1', 'B=x=y', 'C', 'D=0', 'E=false']);
    expect(parseEnvList(list)).toEqual({ A: '1', B: 'x=y', C: undefined, D: '0', E: 'false' });
  });

  it('lets a later entry win and accepts null', () => {
    expect(parseEnvList(['A=1', 'A=2', 'EMPTY='])).toEqual({ A: '2', EMPTY: '' });
    expect(parseEnvList(null)).toEqual({});
  });
});

describe('restart policies', () => {
  it('builds the four policies the engine knows', () => {
    expect(restartPolicy.never()).toEqual({ Name: 'no' });
    expect(restartPolicy.always()).toEqual({ Name: 'always' });
    expect(restartPolicy.unlessStopped()).toEqual({ Name: 'unless-stopped' });
    expect(restartPolicy.onFailure(3)).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
  });
});

describe('normalizeSignal', () => {
  it.each([
    ['SIGTERM', 'SIGTERM'],
    ['term', 'SIGTERM'],
    ['9', 'SIGKILL'],
    [15, 'SIGTERM'],
    ['SIGRTMIN+3', 'SIGRTMIN+3'],
    ['40', 'SIGRTMIN+6'],
    ['sigusr1', 'SIGUSR1'],
  ])('accepts %j as %s', (input, name) => {
    expect(normalizeSignal(input)).toBe(name);
  });

  it.each(['SIGFOO', '0', '65', 'SIGRTMAX+1', ''])('rejects %j', (input) => {
    expect(() => normalizeSignal(input)).toThrow(/signal/);
  });
});
