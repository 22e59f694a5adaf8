// Regenerates neo4j5-catalog.json: the built-in functions and procedures of Neo4j 5
// (Cypher 5) that the analyser checks calls against. The source is the function and
// procedure listing recorded from a Neo4j server that ships inside the pinned
// @neo4j-cypher/language-support package; APOC and other plugins are dropped because
// the community image we deploy has none.
//   node make-catalog.mjs > neo4j5-catalog.json
import { testData } from './node_modules/@neo4j-cypher/language-support/dist/esm/project/language-support/src/tests/testData.js';

const VERSION = 'CYPHER 5';
const PLUGIN = /^(apoc|gds|genai|bloom|n10s)\./;
const pick = (registry) =>
  Object.fromEntries(
    Object.entries(registry[VERSION] ?? {})
      .filter(([name]) => !PLUGIN.test(name))
      .sort(([a], [b]) => a.localeCompare(b)),
  );

const catalog = {
  source: '@neo4j-cypher/language-support 2.0.0-next.38 recorded schema, Cypher 5, plugins removed',
  functions: pick(testData.mockSchema.functions),
  procedures: pick(testData.mockSchema.procedures),
};
process.stdout.write(JSON.stringify(catalog, null, 1) + '\n');
