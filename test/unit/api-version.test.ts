import { describe, expect, it } from 'vitest';
import { chooseApiVersion, compareApiVersions, newestApiVersion, oldestApiVersion } from '../../src/api-version.js';
import { DockerVersionError } from '../../src/errors.js';

describe('compareApiVersions', () => {
  it('compares minor versions as numbers, not text', () => {
    expect(compareApiVersions('1.9', '1.41')).toBeLessThan(0);
    expect(compareApiVersions('1.41', '1.41')).toBe(0);
    expect(compareApiVersions('1.100', '1.55')).toBeGreaterThan(0);
    expect(compareApiVersions('2.0', '1.99')).toBeGreaterThan(0);
  });
});

describe('chooseApiVersion', () => {
  it('uses the engine maximum when it is within the client range', () => {
    expect(chooseApiVersion({ max: '1.41' })).toBe('1.41');
    expect(chooseApiVersion({ max: '1.51', min: '1.24' })).toBe('1.51');
  });

  it('caps at the newest version the client knows when the engine is newer', () => {
    expect(chooseApiVersion({ max: '1.60' })).toBe(newestApiVersion);
  });

  it('refuses an engine older than the oldest supported version', () => {
    expect(() => chooseApiVersion({ max: '1.40' })).toThrow(DockerVersionError);
    expect(() => chooseApiVersion({ max: '1.40' })).toThrow(new RegExp(`needs ${oldestApiVersion.replace('.', '\\.')} or newer`));
  });

  it('honours a pin the engine accepts', () => {
    expect(chooseApiVersion({ max: '1.51', min: '1.24' }, '1.41')).toBe('1.41');
  });

  it('refuses a pin above the engine maximum, naming both versions', () => {
    expect(() => chooseApiVersion({ max: '1.41', min: '1.12' }, '1.44')).toThrow(/pinned to API 1\.44 .* at most 1\.41/);
  });

  it('refuses a pin below the engine minimum (Docker 29.0 accepts nothing below 1.44)', () => {
    expect(() => chooseApiVersion({ max: '1.52', min: '1.44' }, '1.41')).toThrow(/pinned to API 1\.41 .* older than 1\.44/);
  });

  it('refuses a pin outside the versions the client describes', () => {
    expect(() => chooseApiVersion({ max: '1.51' }, '1.30')).toThrow(/not one this client knows/);
  });
});
