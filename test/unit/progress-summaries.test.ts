// What a push's `done` resolves with, read from the records of Docker (a status line, then an aux
// record) and of Podman 4.3 (the status line only).
import { describe, expect, it } from 'vitest';
import { summarizePush, type PushSummary } from '../../src/streams/progress-summaries.js';
import type { ProgressMessage } from '../../src/streams/progress-types.js';

function summaryOf(messages: ProgressMessage[]): PushSummary {
  const summary: PushSummary = {};
  for (const message of messages) summarizePush(summary, message);
  return summary;
}

const digest = 'sha256:4863e9923da35199b1a2e730894116dfa656923a58ced6e53ce90d1ac2e7ef3c';

describe('summarizePush', () => {
  it("reads Podman's closing status line when no aux record comes", () => {
    const podman = [{ status: 'The push refers to repository [127.0.0.1:5000/probe/p:x]' }, { status: `x: digest: ${digest} size: 427` }];
    expect(summaryOf(podman)).toEqual({ tag: 'x', digest, size: 427 });
  });

  it("lets Docker's aux record win over the line before it", () => {
    const docker = [{ status: `v1: digest: ${digest} size: 528` }, { progressDetail: {}, aux: { Tag: 'v1.0', Digest: 'sha256:feed', Size: 529 } }];
    expect(summaryOf(docker)).toEqual({ tag: 'v1.0', digest: 'sha256:feed', size: 529 });
  });

  it('ignores layer lines, other statuses and lines that only look alike', () => {
    const others: ProgressMessage[] = [
      { status: `x: digest: ${digest} size: 427`, id: 'layer1' },
      { status: 'Pushed', id: 'layer1' },
      { status: `x: digest: ${digest} size: big` },
      { status: `digest: ${digest} size: 427` },
      { status: 42 as unknown as string },
    ];
    expect(summaryOf(others)).toEqual({});
  });
});
