// One hop of region-to-region practice flow out of the given regions; callers walk the hops
// (research.paths, the paths page), so no query enumerates every chain of a dense flow graph.
UNWIND $names AS n
MATCH (a:Region {name: n})-[f:PRACTICE_FLOW]->(b:Region)
RETURN a.name AS src, b.name AS dst, f.measure_id AS measure_id, f.scope AS scope,
       f.kind AS kind, f.evidence AS evidence, f.document AS document
LIMIT $limit
