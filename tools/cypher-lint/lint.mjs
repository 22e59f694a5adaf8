// Lints Cypher with Neo4j's own analyser (@neo4j-cypher/language-support).
//
// Input, on stdin, one JSON object per line:
//   {"schema": {labels, relationshipTypes, propertyKeys, graphSchema}}   (optional, applies to later lines)
//   {"id": "...", "query": "...", "parameters": {"name": value, ...}}
// Output, on stdout, one JSON object per query line:
//   {"id": "...", "diagnostics": [{severity, message, line, column, endLine, endColumn}]}
// Lines and columns are 1-based. Severity 1 is an error, 2 a warning.
// Exit status: 1 if any query has an error, 2 on bad input, 0 otherwise.
//
// Calls are checked against the Neo4j 5 built-in functions and procedures in
// neo4j5-catalog.json, so a function Neo4j does not have (LadybugDB's label(),
// string_split(), list_transform() ...) is an error, not a silent pass.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const CYPHER_VERSION = 'CYPHER 5';
const catalog = JSON.parse(
  readFileSync(new URL('./neo4j5-catalog.json', import.meta.url), 'utf8'),
);

function dbSchema(schema, parameters) {
  return {
    labels: schema.labels ?? [],
    relationshipTypes: schema.relationshipTypes ?? [],
    propertyKeys: schema.propertyKeys ?? [],
    graphSchema: schema.graphSchema,
    parameters: parameters ?? {},
    functions: { [CYPHER_VERSION]: catalog.functions },
    procedures: { [CYPHER_VERSION]: catalog.procedures },
    defaultLanguage: CYPHER_VERSION,
  };
}

function plain(d) {
  return {
    severity: d.severity,
    message: d.message,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
  };
}

let schema = {};
let failed = false;
let lineNo = 0;
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const raw of lines) {
  lineNo += 1;
  if (!raw.trim()) continue;
  let item;
  try {
    item = JSON.parse(raw);
  } catch (err) {
    process.stderr.write(`lint.mjs: input line ${lineNo} is not JSON: ${err.message}\n`);
    process.exit(2);
  }
  if (item.schema) {
    schema = item.schema;
    continue;
  }
  if (typeof item.query !== 'string') {
    process.stderr.write(`lint.mjs: input line ${lineNo} has no "query" string\n`);
    process.exit(2);
  }
  const { diagnostics } = lintCypherQuery(
    item.query,
    dbSchema(schema, item.parameters),
    { consoleCommandsEnabled: false },
  );
  const out = diagnostics.map(plain);
  if (out.some((d) => d.severity === 1)) failed = true;
  process.stdout.write(JSON.stringify({ id: item.id ?? String(lineNo), diagnostics: out }) + '\n');
}
process.exitCode = failed ? 1 : 0;
