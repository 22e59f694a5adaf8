// One hop of region-to-region practice flow out of the given regions; callers walk the hops
// (research.paths, the paths page), so no query enumerates every chain of a dense flow graph.
// Names matched with IN: LadybugDB ran UNWIND $names .. MATCH (a:Region {name: n}) 5x slower
// (three regions' flows at 100k measures 23 ms, with IN 4.4 ms; bench/FIXES.md).
MATCH (a:Region)-[f:PRACTICE_FLOW]->(b:Region)
WHERE a.name IN $names
RETURN a.name AS src, b.name AS dst, f.measure_id AS measure_id, f.scope AS scope,
       f.kind AS kind, f.evidence AS evidence, f.document AS document
LIMIT $limit
