// The README's TypeScript code blocks as files a user could paste into a project. A block that does
// not import the package gets the import of what it calls, and declarations of the few names the
// README leaves to the reader's own code (`docker`, a container `id`, a `signal`, a `draw`
// function); any other free name is a type error, so the README has to define it. A comment line
// `//   ^^^^ type error: …` marks a deliberate error at the carets on the line above it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './fresh-project.js';

export interface Snippet {
  /** The README heading the block sits under. */
  section: string;
  /** The file's text: prelude lines, then the block without its common indentation. */
  text: string;
  /** Where the block's deliberate type errors are, as tsc reports them (1-based line and column in `text`). */
  expectedErrors: { line: number; column: number }[];
}

// Names the README's fragments use without defining them, declared as a reader's code would have them.
const readerNames: Record<string, string> = {
  docker: 'declare const docker: Docker;',
  id: 'declare const id: string;',
  signal: 'declare const signal: AbortSignal;',
  draw: 'declare function draw(fraction: number | undefined): void;',
};

function dedent(lines: string[]): string[] {
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => /^ */.exec(line)![0].length));
  return lines.map((line) => line.slice(indent));
}

/** The code without string literals and line comments, so that names are looked for in code only. */
function codeOnly(code: string): string {
  return code.replace(/'[^'\n]*'|"[^"\n]*"/g, "''").replace(/\/\/.*$/gm, '');
}

function definesName(code: string, name: string): boolean {
  const declared = `(?:const|let|var)\\s+(?:${name}\\b|[{[][^}\\]]*\\b${name}\\b[^}\\]]*[}\\]]\\s*=)`;
  return new RegExp(`${declared}|function\\s+${name}\\b|import\\s*{[^}]*\\b${name}\\b`).test(code);
}

export function readmeSnippets(): Snippet[] {
  const readme = readFileSync(join(repositoryRoot, 'README.md'), 'utf8');
  const snippets: Snippet[] = [];
  let section = '';
  let block: string[] | undefined;
  for (const line of readme.split('\n')) {
    if (block) {
      if (/^\s*```\s*$/.test(line)) {
        snippets.push(snippet(section, dedent(block)));
        block = undefined;
      } else block.push(line);
    } else if (/^#+ /.test(line)) section = line.replace(/^#+ /, '');
    else if (/^\s*```ts\s*$/.test(line)) block = [];
  }
  return snippets;
}

function snippet(section: string, lines: string[]): Snippet {
  const text = lines.join('\n');
  const code = codeOnly(text);
  const prelude = text.includes("from 'docker-engine-typed'") ? [] : ["import { createDocker, type Docker } from 'docker-engine-typed';"];
  for (const [name, declaration] of Object.entries(readerNames)) {
    // A use, not a property key (`{ id: Id }`) nor a member (`.id`).
    if (new RegExp(`(?<![.\\w])${name}\\b(?!\\s*:)`).test(code) && !definesName(code, name)) prelude.push(declaration);
  }
  const expectedErrors: Snippet['expectedErrors'] = [];
  lines.forEach((line, index) => {
    const marker = /^(\s*\/\/\s*)\^+ type error/.exec(line);
    if (marker) expectedErrors.push({ line: prelude.length + index, column: marker[1]!.length + 1 });
  });
  return { section, text: [...prelude, ...lines, ''].join('\n'), expectedErrors };
}
