// Compile-time checks, run by `npm run typecheck`: a client's types follow its API version.
// Each @ts-expect-error line must be an error, or the type-check fails.
import { createDocker } from '../../src/index.js';

export async function versionTyping(id: string): Promise<void> {
  const v141 = createDocker({ apiVersion: '1.41' });
  const v144 = createDocker({ apiVersion: '1.44' });
  const newest = createDocker();

  // stop's `signal` query parameter exists from 1.42.
  // @ts-expect-error not in 1.41
  await v141.containers.stop({ id, signal: 'SIGINT' });
  await v144.containers.stop({ id, signal: 'SIGINT' });

  // HostConfig.Annotations exists from 1.43.
  // @ts-expect-error not in 1.41
  await v141.containers.create({ body: { Image: 'busybox', HostConfig: { Annotations: { a: 'b' } } } });
  await v144.containers.create({ body: { Image: 'busybox', HostConfig: { Annotations: { a: 'b' } } } });

  // Image list `manifests` parameter exists from 1.47.
  // @ts-expect-error not in 1.44
  await v144.images.list({ manifests: true });
  await newest.images.list({ manifests: true });

  // Answers are typed too: EndpointSettings.DNSNames appears in 1.44.
  const inspected141 = await v141.containers.inspect({ id });
  // @ts-expect-error not in 1.41
  void inspected141.NetworkSettings?.Networks?.bridge?.DNSNames;
  const inspected144 = await v144.containers.inspect({ id });
  void inspected144.NetworkSettings?.Networks?.bridge?.DNSNames;

  // Filters are objects, not strings.
  // @ts-expect-error a JSON string is not accepted
  await newest.containers.list({ filters: '{"label":["a"]}' });
  await newest.containers.list({ filters: { label: ['a=b'], status: ['running'] } });

  // Path parameters are required.
  // @ts-expect-error id is missing
  await newest.containers.inspect({});

  // Optional request bodies stay optional, required ones are required.
  await newest.images.commit({ container: id });
  // @ts-expect-error ContainerCreate needs its body
  await newest.containers.create({ name: 'x' });

  // Helpers take their options from the same version's generated parameter types.
  // @ts-expect-error ImagePush's `platform` arrives in 1.46
  v144.push('app', { platform: { os: 'linux', architecture: 'amd64' } });
  newest.push('app', { platform: { os: 'linux', architecture: 'amd64' } });
  // @ts-expect-error ImageLoad's `platform` arrives in 1.48
  v144.loadImages('./image.tar', { platform: [{ os: 'linux', architecture: 'amd64' }] });
  // @ts-expect-error a misspelt logs option
  newest.logs(id, { folow: true });
  newest.logs(id, { follow: true, timestamps: true, since: new Date() });

  // The raw client is typed from the same version's paths.
  await v141.raw.GET('/containers/{id}/json', { params: { path: { id } } });
}
