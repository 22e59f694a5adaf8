// The region-to-region practice flows the given documents state, every one of them: the ingest
// keeps them in the text index, where research.paths reads its hops (flows_from, flows_into).
MATCH (a:Region)-[f:PRACTICE_FLOW]->(b:Region)
WHERE f.document IN $documents
RETURN a.name AS src, b.name AS dst, f.measure_id AS measure_id, f.scope AS scope,
       f.kind AS kind, f.evidence AS evidence, f.document AS document
