// Neighbours of one Practice node (outgoing relations) for the subgraph builder, found by its key:
// LadybugDB looks a key up for `=`, and scans the table for `IN $keys` (subgraph_out_practice).
// Only the relation types the schema lets out of a Practice (graph/schema.py, checked by
// tests/test_subgraph_order.py): LadybugDB plans an unnamed relation over every relation
// table (a measure's incoming neighbours: 0.34 ms unnamed, 0.14 ms named; bench/FIXES.md).
// NULL stands for a property none of them has; a far table without one gives null too.
MATCH (n:Practice)-[r:BELONGS_TO]->(m)
WHERE n.key = $key
RETURN n.key AS src, label(r) AS rel, label(m) AS label,
       NULL AS id, NULL AS name, m.key AS key, NULL AS title, m.name_zh AS name_zh, NULL AS region, NULL AS text, NULL AS document_id,
       NULL AS role, NULL AS score, NULL AS scope, NULL AS measure_id
// Unordered: graph/subgraph.py sorts the rows when they all came (sorting a measure's ~15 rows
// with their texts here was 1.1 ms of a 2.7 ms statement in LadybugDB); past the cap
// it asks the ordered statement for this one key.
LIMIT $limit
