// The README as a user reads it: every TypeScript block type-checks against the installed package
// (with the deliberate type errors it marks, and no other), and the short tour runs against the
// newest real engine twice on every runtime, so it must clean up after itself.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createDocker } from '../../src/index.js';
import { readmeSnippets } from './support/readme-snippets.js';
import { runProgram } from './support/runtimes.js';
import { typeErrors } from './support/type-check.js';

const { project, runtimes, engine } = inject('packageSetup');
const snippets = readmeSnippets().map((snippet, index) => ({ ...snippet, file: `readme-${index + 1}.ts` }));
for (const { file, text } of snippets) writeFileSync(join(project, file), text);

describe('the README', () => {
  // The tour is the first block of its section; the blocks after it show single features.
  const tour = snippets.find((snippet) => snippet.section === 'A short tour');

  it('has TypeScript blocks, the short tour among them', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(5);
    expect(tour?.text).toContain('await docker.close();');
  });

  it('type-checks every block against the installed package, with exactly the type errors it marks', () => {
    const errors = typeErrors(
      project,
      'readme',
      snippets.map((snippet) => snippet.file),
    );
    for (const { file, section, expectedErrors } of snippets) {
      const found = (errors.get(file) ?? []).map(({ line, column }) => ({ line, column }));
      expect({ section, errors: found }, JSON.stringify(errors.get(file))).toEqual({ section, errors: expectedErrors });
    }
    // The marked error is the one the README promises: a parameter of a newer API version.
    const marked = snippets.flatMap((snippet) => (snippet.expectedErrors.length ? (errors.get(snippet.file) ?? []) : []));
    expect(marked.map((error) => error.message)).toEqual([expect.stringContaining("'signal' does not exist")]);
  });

  it.each(runtimes)('short tour: runs twice on $name against the engine and leaves no container behind', async (runtime) => {
    const docker = createDocker({ socketPath: engine.socket });
    const containers = async () => (await docker.containers.list({ all: true })).length;
    try {
      const before = await containers();
      for (const round of [1, 2]) {
        const { code, output } = await runProgram(runtime, project, join(project, tour!.file), { DOCKER_HOST: `unix://${engine.socket}` });
        expect({ round, code, output }).toEqual({
          round,
          code: 0,
          output: expect.stringMatching(/^3\n404 No such container: no-such-container ContainerInspect 1\.\d+\n/m),
        });
      }
      expect(await containers()).toBe(before);
    } finally {
      await docker.close();
    }
  });
});
