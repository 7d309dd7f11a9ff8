// Which config.json key holds the credentials of an image's registry, as the Docker CLI decides:
// Docker Hub images use the legacy index URL, every other registry its host[:port].
import { parseImageReference } from '../helpers/image-reference.js';

/** The key Docker Hub credentials are stored under. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

/** `busybox` → `https://index.docker.io/v1/`; `127.0.0.1:5000/app:1` → `127.0.0.1:5000`. Throws on an invalid reference. */
export function registryKeyFor(reference: string): string {
  const { domain } = parseImageReference(reference);
  return domain === 'docker.io' ? DOCKER_HUB_KEY : domain;
}

/**
 * A config key reduced to its host: scheme and path dropped (`https://reg.example/v1/` →
 * `reg.example`), so keys written as URLs match a plain registry host.
 */
export function registryHostname(key: string): string {
  const withoutScheme = key.replace(/^https?:\/\//, '');
  return withoutScheme.split('/')[0] ?? withoutScheme;
}
