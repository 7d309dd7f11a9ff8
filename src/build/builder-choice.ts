// Which builder a build asks for when the caller does not say, decided as the Docker CLI decides
// (cli/command/cli.go, BuildKitEnabled): BuildKit when the engine's ping recommends it
// (`Builder-Version: 2`), and otherwise on every engine that is not Windows, whose classic
// builder is the only one it runs by default. Every engine this client speaks to (API 1.41 on)
// has BuildKit built in. The ping is asked once per client, without the signal of the build that
// happens to ask first: an answer shared by concurrent builds must not fail with one's abort.
import type { IncomingHttpHeaders } from 'node:http';
import { discardBody } from '../request/answer-body.js';
import { buildRequest } from '../request/build-request.js';
import { askEngine, type OperationContext } from '../request/operation-call.js';

export type Builder = 'buildkit' | 'classic';

/** The builder the CLI would use with an engine whose ping answered with these headers. */
export function defaultBuilder(pingHeaders: IncomingHttpHeaders): Builder {
  if (pingHeaders['builder-version'] === '2') return 'buildkit';
  return pingHeaders.ostype === 'windows' ? 'classic' : 'buildkit';
}

const chosen = new WeakMap<OperationContext, Promise<Builder>>();

export function engineBuilder(context: OperationContext): Promise<Builder> {
  let choice = chosen.get(context);
  if (!choice) {
    choice = askBuilder(context);
    chosen.set(context, choice);
    // A failed ping (the engine unreachable) is asked again by the next build.
    choice.catch(() => chosen.delete(context));
  }
  return choice;
}

async function askBuilder(context: OperationContext): Promise<Builder> {
  const apiVersion = await context.apiVersion();
  const answer = await askEngine(context.connection, buildRequest('SystemPing', {}, apiVersion));
  await discardBody(answer.body, answer.origin);
  return defaultBuilder(answer.headers);
}
