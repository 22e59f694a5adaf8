// Every region-to-region practice flow: the ingest keeps them in the text index, where
// research.paths reads its hops (flows_from, flows_into), when the index is written afresh.
MATCH (a:Region)-[f:PRACTICE_FLOW]->(b:Region)
RETURN a.name AS src, b.name AS dst, f.measure_id AS measure_id, f.scope AS scope,
       f.kind AS kind, f.evidence AS evidence, f.document AS document
