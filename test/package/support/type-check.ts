// tsc run in the user's project over chosen files, with the project's tsconfig (strict, nodenext,
// like `tsc --init`), returning the errors per file instead of failing.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TscError {
  line: number;
  column: number;
  message: string;
}

export function typeErrors(project: string, name: string, files: string[]): Map<string, TscError[]> {
  const config = `tsconfig.${name}.json`;
  writeFileSync(join(project, config), JSON.stringify({ extends: './tsconfig.json', include: [], files }));
  let output = '';
  try {
    execFileSync(join(project, 'node_modules', '.bin', 'tsc'), ['-p', config, '--pretty', 'false'], { cwd: project, encoding: 'utf8' });
  } catch (error) {
    output = (error as { stdout: string }).stdout;
  }
  const errors = new Map<string, TscError[]>();
  for (const match of output.matchAll(/^(\S+)\((\d+),(\d+)\): error (.*)$/gm)) {
    const list = errors.get(match[1]!) ?? [];
    list.push({ line: Number(match[2]), column: Number(match[3]), message: match[4]! });
    errors.set(match[1]!, list);
  }
  if (output && errors.size === 0) throw new Error(`tsc failed without reporting errors: ${output}`);
  return errors;
}
