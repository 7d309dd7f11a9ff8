// scripts/spec-compare.mjs (npm run spec:compare): run as a maintainer runs it, on the upstream
// reference kept beside the project and on small upstream documents written here, whose
// differences from the spec are known exactly.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

const projectRoot = join(import.meta.dirname, '..', '..');
const referenceDir = join(projectRoot, '..', 'shared', 'reference', 'engine-api');
const referenceVersions = existsSync(referenceDir)
  ? readdirSync(referenceDir)
      .map((file) => /^v(\d+\.\d+)\.yaml$/.exec(file)?.[1])
      .filter((v): v is string => !!v)
  : [];

const CATEGORIES = ['operations', 'parameters', 'requestBodyFields', 'responses', 'responseFields', 'enumValues'] as const;
type Category = (typeof CATEGORIES)[number];

interface Item {
  operationId: string | null;
  method: string;
  path: string;
  in?: string;
  name?: string;
  status?: string;
  field?: string;
  where?: string;
  value?: string;
  note?: string;
}

interface Report {
  upstream: { file: string; version: string | null };
  spec: { source: string; version: string };
  counts: { missing: Record<Category, number>; explained: Record<Category, number> };
  missing: Record<Category, Item[]>;
  explained: Record<Category, Item[]>;
}

const run = promisify(execFile);

async function specCompare(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['scripts/spec-compare.mjs', ...args], {
      cwd: projectRoot,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function compareJson(...args: string[]): Promise<Report> {
  const { code, stdout, stderr } = await specCompare(...args, '--json');
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as Report;
}

function generatedDocument(version: string): { paths: Record<string, Record<string, unknown>> } {
  return JSON.parse(readFileSync(join(projectRoot, 'generated', 'openapi', `v${version}.json`), 'utf8'));
}

function engineNotesIn(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => engineNotesIn(item, into));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'x-engine-differs' && typeof value === 'string') into.add(value);
      else engineNotesIn(value, into);
    }
  }
  return into;
}

const scratch = mkdtempSync(join(tmpdir(), 'spec-compare-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Mirrors a few things the spec has at 1.51 (so none of them may be reported), plus exactly one
// extra operation, parameter, response field and enum value, and the key `Id` that the spec
// explains with an x-engine-differs note (engines send `ID`).
const syntheticUpstream = {
  swagger: '2.0',
  info: { title: 'Synthetic', version: '1.51' },
  definitions: {
    ErrorResponse: { type: 'object', properties: { message: { type: 'string' } } },
    ContainerState: {
      type: 'object',
      properties: {
        Status: { type: 'string', enum: ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead', 'hibernating'] },
        Running: { type: 'boolean' },
      },
    },
    ContainerInspectResponse: {
      type: 'object',
      properties: {
        Id: { type: 'string' },
        State: { $ref: '#/definitions/ContainerState' },
        Mounts: { type: 'array', items: { type: 'object', properties: { Type: { type: 'string' }, Source: { type: 'string' } } } },
        Hibernation: { type: 'object', properties: { Since: { type: 'string' } } },
      },
    },
  },
  paths: {
    '/containers/{id}/json': {
      get: {
        operationId: 'ContainerInspect',
        parameters: [
          { name: 'id', in: 'path', required: true, type: 'string' },
          { name: 'size', in: 'query', type: 'boolean' },
          { name: 'hibernated', in: 'query', type: 'boolean' },
        ],
        responses: {
          200: { description: 'ok', schema: { $ref: '#/definitions/ContainerInspectResponse' } },
          404: { description: 'no such container', schema: { $ref: '#/definitions/ErrorResponse' } },
        },
      },
    },
    '/containers/{id}/hibernate': {
      post: {
        operationId: 'ContainerHibernate',
        parameters: [{ name: 'id', in: 'path', required: true, type: 'string' }],
        responses: { 204: { description: 'done' } },
      },
    },
    '/containers/{id}/wait': {
      post: {
        operationId: 'ContainerWait',
        parameters: [
          { name: 'id', in: 'path', required: true, type: 'string' },
          { name: 'condition', in: 'query', type: 'string', enum: ['not-running', 'next-exit', 'removed'] },
        ],
        responses: { 200: { description: 'ok', schema: { type: 'object', properties: { StatusCode: { type: 'integer' } } } } },
      },
    },
    '/secrets/create': {
      post: {
        operationId: 'SecretCreate',
        parameters: [{ name: 'body', in: 'body', schema: { type: 'object', properties: { Name: { type: 'string' }, Data: { type: 'string' } } } }],
        responses: { 201: { description: 'created', schema: { type: 'object', properties: { Id: { type: 'string' } } } } },
      },
    },
  },
};

const expectedMissing: Record<Category, Partial<Item>[]> = {
  operations: [{ operationId: 'ContainerHibernate', method: 'POST', path: '/containers/{id}/hibernate' }],
  parameters: [{ operationId: 'ContainerInspect', in: 'query', name: 'hibernated' }],
  requestBodyFields: [],
  responses: [],
  responseFields: [{ operationId: 'ContainerInspect', status: '200', field: 'Hibernation' }],
  enumValues: [{ operationId: 'ContainerInspect', where: 'response', status: '200', field: 'State.Status', value: 'hibernating' }],
};

function expectSyntheticFindings(report: Report): void {
  for (const category of CATEGORIES) {
    expect(report.missing[category], category).toHaveLength(expectedMissing[category].length);
    expectedMissing[category].forEach((expected, index) => expect(report.missing[category][index]).toMatchObject(expected));
    expect(report.counts.missing[category]).toBe(report.missing[category].length);
  }
  const explained = CATEGORIES.flatMap((category) => report.explained[category]);
  expect(explained).toHaveLength(1);
  expect(report.explained.responseFields[0]).toMatchObject({ operationId: 'SecretCreate', status: '201', field: 'Id' });
  expect(report.explained.responseFields[0]?.note).toMatch(/`Id`/);
}

describe('spec:compare on a synthetic upstream document', () => {
  const yamlFile = join(scratch, 'synthetic.yaml');
  const jsonFile = join(scratch, 'synthetic.json');
  writeFileSync(yamlFile, stringify(syntheticUpstream));
  writeFileSync(jsonFile, JSON.stringify(syntheticUpstream, null, 2));

  it('lists exactly the extra operation, parameter, response field and enum value (YAML)', async () => {
    const report = await compareJson(yamlFile);
    expect(report.spec).toEqual({ source: join('generated', 'openapi', 'v1.51.json'), version: '1.51' });
    expectSyntheticFindings(report);
  });

  it('reads the same document as JSON alike', async () => {
    expectSyntheticFindings(await compareJson(jsonFile));
  });

  it('derives a version that is not generated from spec/ (the version being added)', async () => {
    const report = await compareJson(yamlFile, '--version', '1.99');
    expect(report.spec).toEqual({ source: 'spec/', version: '1.99' });
    expectSyntheticFindings(report);
  });

  it('derives an existing version from spec/ with --from-spec', async () => {
    // Nothing the synthetic document mirrors changed between 1.41 and 1.51.
    const report = await compareJson(yamlFile, '--version', '1.41', '--from-spec');
    expect(report.spec).toEqual({ source: 'spec/', version: '1.41' });
    expectSyntheticFindings(report);
  });

  it('prints a readable report by default', async () => {
    const { code, stdout } = await specCompare(yamlFile);
    expect(code).toBe(0);
    expect(stdout).toContain('POST /containers/{id}/hibernate  ContainerHibernate');
    expect(stdout).toContain('query parameter hibernated');
    expect(stdout).toContain('response 200 Hibernation');
    expect(stdout).toContain('response 200 State.Status: "hibernating"');
    expect(stdout).toContain('SecretCreate  POST /secrets/create: response 201 Id');
    expect(stdout).toMatch(
      /Missing: 1 operations, 1 parameters, 0 request body fields, 0 responses \(status codes\), 1 response fields, 1 enum values\. Explained by x-engine-differs: 1\./,
    );
  });
});

describe('spec:compare on unreadable inputs', () => {
  it.each([
    ['a file that does not exist', [join(scratch, 'absent.yaml')], /cannot read/],
    ['no file', [], /expected one upstream file/],
    ['an unknown option', [join(scratch, 'synthetic.yaml'), '--frobnicate'], /Unknown option/],
    ['a version that is not X.Y', [join(scratch, 'synthetic.yaml'), '--version', 'latest'], /--version must look like/],
  ])('exits 2 for %s', async (_, args, message) => {
    const { code, stderr } = await specCompare(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('exits 2 for a file that is not a Swagger/OpenAPI document', async () => {
    const notSwagger = join(scratch, 'not-swagger.yaml');
    writeFileSync(notSwagger, 'name: just some YAML\n');
    const { code, stderr } = await specCompare(notSwagger);
    expect(code).toBe(2);
    expect(stderr).toMatch(/not a Swagger 2.0 or OpenAPI 3 document/);
  });

  it('exits 2 when the version cannot be told', async () => {
    const unversioned = join(scratch, 'unversioned.json');
    writeFileSync(unversioned, JSON.stringify({ swagger: '2.0', info: { version: 1.5 }, paths: {} }));
    const { code, stderr } = await specCompare(unversioned);
    expect(code).toBe(2);
    expect(stderr).toMatch(/pass --version/);
  });
});

// The upstream reference is not part of this repository: these run where a copy of it sits at
// ../shared/reference/engine-api beside the checkout (the synthetic documents above run everywhere).
describe.skipIf(!referenceVersions.includes('1.51'))('spec:compare on the upstream reference (skipped where no copy of it sits beside the checkout)', () => {
  const reference = (version: string) => join(referenceDir, `v${version}.yaml`);

  it('runs on 1.51 and reports only what the spec really lacks or explains', async () => {
    const report = await compareJson(reference('1.51'));
    expect(report.upstream.version).toBe('1.51');
    // The spec describes every operation of the reference (DESIGN.md).
    expect(report.missing.operations).toEqual([]);
    const spec = generatedDocument('1.51');
    for (const item of report.missing.parameters) {
      const operation = spec.paths[item.path]?.[item.method.toLowerCase()] as { parameters?: { name: string; in: string }[] } | undefined;
      expect(operation?.parameters?.some((p) => p.name === item.name && p.in === item.in)).not.toBe(true);
    }
    // Every explanation is a note the spec's document of that version really carries.
    const notes = engineNotesIn(spec);
    const explained = CATEGORIES.flatMap((category) => report.explained[category]);
    expect(explained.length).toBeGreaterThan(0);
    for (const item of explained) expect(notes.has(item.note ?? '')).toBe(true);
    // The reference's swarm field `HealthCheck` is the engine's `Healthcheck`: explained, not missing.
    expect(report.explained.requestBodyFields).toContainEqual(
      expect.objectContaining({
        operationId: 'ServiceCreate',
        field: 'TaskTemplate.ContainerSpec.HealthCheck',
      }),
    );
  });

  it('sees what 1.42 added when 1.51 is compared with the spec of 1.41', async () => {
    const report = await compareJson(reference('1.51'), '--version', '1.41');
    expect(report.missing.operations).toContainEqual(expect.objectContaining({ operationId: 'VolumeUpdate', method: 'PUT', path: '/volumes/{name}' }));
    expect(report.missing.parameters).toContainEqual(expect.objectContaining({ operationId: 'ContainerStop', in: 'query', name: 'signal' }));
    expect(report.missing.requestBodyFields).toContainEqual(expect.objectContaining({ operationId: 'ContainerCreate', field: 'Healthcheck.StartInterval' }));
    expect(report.missing.responseFields).toContainEqual(
      expect.objectContaining({ operationId: 'ContainerInspect', status: '200', field: 'Config.Healthcheck.StartInterval' }),
    );
    expect(generatedDocument('1.41').paths['/volumes/{name}']?.put).toBeUndefined();
    expect(generatedDocument('1.42').paths['/volumes/{name}']?.put).toBeDefined();
  });

  it.runIf(referenceVersions.includes('1.55'))('sees the operation 1.55 added when compared with the spec of 1.54', async () => {
    const report = await compareJson(reference('1.55'), '--version', '1.54');
    expect(report.missing.operations).toEqual([
      expect.objectContaining({ operationId: 'ImageAttestations', method: 'GET', path: '/images/{name}/attestations' }),
    ]);
  });
});
