// `npm run lint` part two: no import cycle between files, nor between the top folders of a
// source tree (libs/missions/src: domain, store, execution, events, http, auth, …). ESLint's
// import/no-cycle would need a resolver for nodenext `.js` specifiers; this reads them directly.
// Usage: node scripts/check-import-cycles.mjs DIR [DIR …]; exits 1 and names each cycle found.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

function sourcesOf(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesOf(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

const importsOf = (file) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) =>
    resolve(dirname(file), match[1]).replace(/\.js$/, '.ts'),
  );

function cyclesIn(base) {
  const files = sourcesOf(base);
  const edges = new Map(files.map((file) => [file, importsOf(file)]));
  const problems = [];
  const state = new Map();
  const visit = (file, stack) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') problems.push(`file cycle: ${stack.slice(stack.indexOf(next)).concat(next).map((f) => relative(base, f)).join(' -> ')}`);
      else if (!state.has(next) && edges.has(next)) visit(next, stack);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file, []);

  const folderOf = (file) => (relative(base, file).includes('/') ? relative(base, file).split('/')[0] : '.');
  const folders = new Map();
  for (const [file, targets] of edges) {
    for (const target of targets) {
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from === to || !edges.has(target)) continue;
      if (!folders.has(from)) folders.set(from, new Map());
      folders.get(from).set(to, `${relative(base, file)} -> ${relative(base, target)}`);
    }
  }
  for (const [from, targets] of folders) {
    for (const [to, why] of targets) {
      if (from < to && folders.get(to)?.has(from)) problems.push(`folder cycle: ${from} <-> ${to} (${why}; ${folders.get(to).get(from)})`);
    }
  }
  return problems.map((problem) => `${relative(process.cwd(), base)}: ${problem}`);
}

const problems = process.argv.slice(2).flatMap((dir) => cyclesIn(resolve(dir)));
for (const problem of problems) console.error(problem);
if (problems.length > 0) process.exit(1);
console.log(`import cycles: none in ${process.argv.slice(2).join(', ')}`);
