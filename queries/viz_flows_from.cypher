// One hop of region-to-region practice flow; callers walk hops in Python.
MATCH (a:Region)-[f:PRACTICE_FLOW]->(b:Region)
WHERE a.name IN $names
RETURN a.name AS src, b.name AS dst, f.measure_id AS measure_id, f.scope AS scope,
       f.kind AS kind, f.evidence AS evidence, f.document AS document
LIMIT $limit
