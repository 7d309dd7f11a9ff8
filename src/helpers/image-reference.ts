// Image references as the engine and registries read them:
//   [domain[:port]/]path[:tag][@algorithm:hex]
// The first path component is a domain when it has a `.` or a `:`, is `localhost`, or has an
// upper-case letter; otherwise the image lives on Docker Hub (`docker.io`, `library/` for
// single-component names).
import { DockerUsageError } from '../errors.js';

export interface ImageReference {
  /** Registry host (and port) as it would be contacted: `docker.io` when none is written. */
  domain: string;
  /** Repository path on that registry: `library/busybox`, `team/app`. */
  path: string;
  /** `domain/path`: the fully qualified repository name. */
  repository: string;
  /** The short form the Docker CLI shows: `busybox`, `team/app`, `localhost:5000/app`. */
  familiarName: string;
  tag?: string;
  digest?: string;
}

/** The reference text is not a valid image reference. */
export class InvalidImageReferenceError extends DockerUsageError {}

const DEFAULT_DOMAIN = 'docker.io';
const OFFICIAL_PREFIX = 'library/';
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_NAME = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*$/;
const IPV6_HOST = /^\[[0-9a-fA-F:.]+\]$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const MAX_NAME_LENGTH = 255;

function fail(text: string, why: string): never {
  throw new InvalidImageReferenceError(`invalid image reference ${JSON.stringify(text)}: ${why}`);
}

function looksLikeDomain(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component !== component.toLowerCase();
}

function checkDomain(text: string, domain: string): void {
  const portAt = domain.startsWith('[') ? domain.indexOf(']:') + 1 : domain.lastIndexOf(':');
  const host = portAt > 0 ? domain.slice(0, portAt) : domain;
  const port = portAt > 0 ? domain.slice(portAt + 1) : undefined;
  if (!(DOMAIN_NAME.test(host) || IPV6_HOST.test(host))) fail(text, `"${domain}" is not a valid registry host`);
  if (port !== undefined && !/^\d{1,5}$/.test(port)) fail(text, `"${port}" is not a valid port`);
}

/** Parses and validates an image reference; throws InvalidImageReferenceError with the reason. */
export function parseImageReference(text: string): ImageReference {
  if (!text) fail(text, 'it is empty');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(text, `"${digest}" is not a valid digest`);
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) fail(text, `"${tag}" is not a valid tag`);
  }
  if (!rest) fail(text, 'it names no repository');
  if (rest.length > MAX_NAME_LENGTH) fail(text, `the repository name is longer than ${MAX_NAME_LENGTH} characters`);

  const components = rest.split('/');
  let domain = DEFAULT_DOMAIN;
  let written: string | undefined;
  if (components.length > 1 && looksLikeDomain(components[0]!)) {
    written = components.shift()!;
    checkDomain(text, written);
    domain = written === 'index.docker.io' ? DEFAULT_DOMAIN : written;
  }
  for (const component of components) {
    if (component !== component.toLowerCase()) fail(text, 'repository names must be lowercase');
    if (!PATH_COMPONENT.test(component)) fail(text, `"${component}" is not a valid repository path component`);
  }
  let path = components.join('/');
  if (domain === DEFAULT_DOMAIN && components.length === 1) path = OFFICIAL_PREFIX + path;
  const familiarName = domain === DEFAULT_DOMAIN ? (path.startsWith(OFFICIAL_PREFIX) ? path.slice(OFFICIAL_PREFIX.length) : path) : `${domain}/${path}`;
  return {
    domain,
    path,
    repository: `${domain}/${path}`,
    familiarName,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/**
 * Splits a reference into repository and tag the way the create/pull and tag operations take
 * them (`fromImage` + `tag`, `repo` + `tag`); a digest travels in the tag position.
 */
export function repositoryAndTag(text: string): { repository: string; tag: string } {
  const reference = parseImageReference(text);
  const at = text.indexOf('@');
  const name = at >= 0 ? text.slice(0, at) : text;
  const repository = reference.tag !== undefined ? name.slice(0, name.length - reference.tag.length - 1) : name;
  return { repository, tag: reference.digest ?? reference.tag ?? 'latest' };
}
