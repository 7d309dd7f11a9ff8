// What a test file leaves on an engine, removed at its end.

/** The two calls cleaning up needs, as every client version has them. */
interface ContainerCalls {
  containers: {
    list(parameters: { all: boolean; filters: { label: string[] } }): Promise<{ Id: string }[]>;
    delete(parameters: { id: string; force: boolean }): Promise<unknown>;
  };
}

/** Removes every container labelled `test.run=<run>`, whatever its state; never throws. */
export async function removeRunContainers(docker: ContainerCalls, run: string): Promise<void> {
  const leftovers = await docker.containers.list({ all: true, filters: { label: [`test.run=${run}`] } }).catch(() => []);
  for (const container of leftovers) await docker.containers.delete({ id: container.Id, force: true }).catch(() => undefined);
}
