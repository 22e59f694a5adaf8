// How a practice travelled: chains of replication facts, across documents.
// The hop bound is a literal (LadybugDB takes no parameter there); $max_hops narrows it.
MATCH p = (a:Region {name: $from_region})-[:PRACTICE_FLOW* TRAIL 1..6]->(b:Region)
WHERE ($to_region = '' OR b.name = $to_region) AND length(p) <= $max_hops
RETURN properties(nodes(p), 'name') AS regions, properties(rels(p), 'measure_id') AS measure_ids,
       properties(rels(p), 'evidence') AS evidence, properties(rels(p), 'document') AS documents,
       length(p) AS hops
ORDER BY hops
LIMIT $limit
