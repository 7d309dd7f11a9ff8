// The conformance check must be able to fail: real answers with one field added, or one required
// field taken away, are rejected in strict mode; the added field passes in lax mode.
import { describe, expect, it } from 'vitest';
import { conformanceFor } from './support/conformance.js';
import { targets } from './support/targets.js';

describe.each(targets().filter((t) => t.conformance.strict))('conformance check on $label', ({ docker, apiVersion }) => {
  it('rejects an undescribed field and a missing required one, strictly', async () => {
    const inspected = await docker.images.inspect({ name: 'busybox:latest' });
    const strict = conformanceFor(apiVersion, true);
    expect(() => strict.check('ImageInspect', { ...inspected, NotInTheSpec: 1 })).toThrow(/NotInTheSpec/);
    const { Id: _dropped, ...withoutId } = inspected;
    expect(() => strict.check('ImageInspect', withoutId)).toThrow(/must have required property 'Id'/);
    expect(() => conformanceFor(apiVersion, false).check('ImageInspect', { ...inspected, NotInTheSpec: 1 })).not.toThrow();
  });

  it('checks nested objects too', async () => {
    const [summary] = await docker.containers.list({ all: true, limit: 1 });
    const info = await docker.system.info();
    const strict = conformanceFor(apiVersion, true);
    expect(() => strict.check('SystemInfo', { ...info, RegistryConfig: { ...info.RegistryConfig, Extra: true } })).toThrow(/Extra/);
    if (summary) expect(() => strict.check('ContainerList', [{ ...summary, HostConfig: { ...summary.HostConfig, Extra: 1 } }])).toThrow(/Extra/);
  });
});
