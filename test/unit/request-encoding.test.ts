import { describe, expect, it } from 'vitest';
import { encodeRequest, type ParamSpec } from '../../src/request/build-request.js';

const params: ParamSpec[] = [
  { name: 'id', in: 'path', encoding: 'plain', required: true },
  { name: 'all', in: 'query', encoding: 'bool' },
  { name: 'limit', in: 'query', encoding: 'plain' },
  { name: 'filters', in: 'query', encoding: 'json' },
  { name: 't', in: 'query', encoding: 'repeat' },
  { name: 'platforms', in: 'query', encoding: 'repeat' },
  { name: 'X-Methods', in: 'header', encoding: 'repeat' },
  { name: 'X-Registry-Auth', in: 'header', encoding: 'base64url-json' },
];

const decodeQuery = (path: string) => [...new URL(path, 'http://x').searchParams];

describe('encodeRequest', () => {
  it('percent-encodes path parameters as one segment (image names carry / and :)', () => {
    const { path } = encodeRequest('/images/{id}/json', params, { id: 'localhost:5000/team/app:1.0' }, 'Op');
    expect(path).toBe('/images/localhost%3A5000%2Fteam%2Fapp%3A1.0/json');
  });

  it('sends false as 0 instead of dropping it, and true as 1', () => {
    expect(decodeQuery(encodeRequest('/{id}', params, { id: 'a', all: false }, 'Op').path)).toEqual([['all', '0']]);
    expect(decodeQuery(encodeRequest('/{id}', params, { id: 'a', all: true }, 'Op').path)).toEqual([['all', '1']]);
  });

  it('sends JSON-encoded parameters as JSON text', () => {
    const filters = { label: ['a=b', 'c'], status: { running: true } };
    const { path } = encodeRequest('/{id}', params, { id: 'a', filters }, 'Op');
    expect(decodeQuery(path)).toEqual([['filters', JSON.stringify(filters)]]);
  });

  it('repeats the key for arrays, JSON-encoding object items', () => {
    const { path } = encodeRequest('/{id}', params, { id: 'a', t: ['x:1', 'y:2'], platforms: [{ os: 'linux', architecture: 'arm64' }] }, 'Op');
    expect(decodeQuery(path)).toEqual([
      ['t', 'x:1'],
      ['t', 'y:2'],
      ['platforms', '{"os":"linux","architecture":"arm64"}'],
    ]);
  });

  it('keeps zero and empty strings, skips undefined and null', () => {
    const { path } = encodeRequest('/{id}', params, { id: 'a', limit: 0, filters: undefined, all: null }, 'Op');
    expect(decodeQuery(path)).toEqual([['limit', '0']]);
  });

  it('encodes auth headers as URL-safe base64 of the JSON, passing ready-made strings through', () => {
    const auth = { username: 'ü', password: '>>>???' };
    const { headers } = encodeRequest('/{id}', params, { id: 'a', 'X-Registry-Auth': auth }, 'Op');
    const value = headers['X-Registry-Auth'] as string;
    // URL-safe alphabet with '=' padding, as Go's base64.URLEncoding in the engine requires.
    expect(value).toMatch(/^[A-Za-z0-9_-]*=*$/);
    expect(value.length % 4).toBe(0);
    expect(JSON.parse(Buffer.from(value, 'base64url').toString())).toEqual(auth);
    expect(encodeRequest('/{id}', params, { id: 'a', 'X-Registry-Auth': 'abc' }, 'Op').headers['X-Registry-Auth']).toBe('abc');
  });

  it('sends an array header parameter as one header line per value (the engine reads each line as one value)', () => {
    const { headers } = encodeRequest('/{id}', params, { id: 'a', 'X-Methods': ['/a.B/C', '/d.E/F'] }, 'Op');
    expect(headers['X-Methods']).toEqual(['/a.B/C', '/d.E/F']);
  });

  it('refuses a call without a required path parameter', () => {
    expect(() => encodeRequest('/{id}', params, {}, 'ContainerInspect')).toThrow(/ContainerInspect needs the "id" parameter/);
  });
});
