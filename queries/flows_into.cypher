// One hop of region-to-region practice flow into the given regions (walked backwards by
// research.paths when only the destination is given).
MATCH (a:Region)-[f:PRACTICE_FLOW]->(b:Region)
WHERE b.name IN $names
RETURN a.name AS src, b.name AS dst, f.measure_id AS measure_id, f.scope AS scope,
       f.kind AS kind, f.evidence AS evidence, f.document AS document
LIMIT $limit
