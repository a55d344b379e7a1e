#!/usr/bin/env node
// Holds every `#include "..."` under src/ to the layer table in src/layers.txt.
// Usage: node scripts/check-layers.mjs [--root DIR]   (DIR holds src/; default: the repository)
// Exits 1 and names each file and line that includes a layer it may not, or when the table has a cycle.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const rootArg = process.argv.indexOf('--root');
const root = rootArg > 0 ? resolve(process.argv[rootArg + 1]) : resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'src');

function readLayerTable(path) {
  const table = new Map();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([a-z]+):(.*)$/.exec(line.trim());
    if (match) table.set(match[1], new Set(match[2].trim().split(/\s+/).filter(Boolean)));
  }
  return table;
}

function findCycle(table) {
  const state = new Map();
  const visit = (layer, path) => {
    if (state.get(layer) === 'done') return null;
    if (state.get(layer) === 'visiting') return [...path.slice(path.indexOf(layer)), layer];
    state.set(layer, 'visiting');
    for (const used of table.get(layer) ?? []) {
      const cycle = visit(used, [...path, layer]);
      if (cycle) return cycle;
    }
    state.set(layer, 'done');
    return null;
  };
  for (const layer of table.keys()) {
    const cycle = visit(layer, []);
    if (cycle) return cycle;
  }
  return null;
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(hpp|cpp|h|cc|ipp)$/.test(entry.name)) yield path;
  }
}

// The layer an include names: its first path component when that is a layer, else the includer's own.
function includedLayer(includePath, ownLayer, table) {
  const first = includePath.split('/')[0];
  return includePath.includes('/') && table.has(first) ? first : ownLayer;
}

function checkFile(file, table, problems) {
  const name = relative(root, file).split(sep).join('/');
  const layer = relative(srcDir, file).split(sep)[0];
  if (!table.has(layer)) {
    problems.push(`${name}:1: '${layer}' is not a layer in src/layers.txt`);
    return;
  }
  const allowed = table.get(layer);
  readFileSync(file, 'utf8').split('\n').forEach((text, index) => {
    const match = /^\s*#\s*include\s+"([^"]+)"/.exec(text);
    if (!match) return;
    const target = includedLayer(match[1], layer, table);
    if (target !== layer && !allowed.has(target)) {
      const uses = [...allowed].join(', ') || 'no other layer';
      problems.push(`${name}:${index + 1}: layer '${layer}' may not include "${match[1]}" (${layer} may use: ${uses})`);
    }
  });
}

const table = readLayerTable(join(srcDir, 'layers.txt'));
const problems = [];
const cycle = findCycle(table);
if (cycle) problems.push(`src/layers.txt: the layer table has a cycle: ${cycle.join(' -> ')}`);
let files = 0;
for (const file of sourceFiles(srcDir)) {
  files += 1;
  checkFile(file, table, problems);
}
if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`layers: ${problems.length} problem(s) in ${files} files under src/`);
  process.exit(1);
}
console.log(`layers: ${files} files under src/ follow src/layers.txt (${table.size} layers)`);
