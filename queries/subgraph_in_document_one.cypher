// Neighbours of one Document node (incoming relations) for the subgraph builder, found by its key:
// LadybugDB looks a key up for `=`, and scans the table for `IN $keys` (subgraph_in_document).
// Only the relation types the schema lets into a Document (graph/schema.py, checked by
// tests/test_subgraph_order.py): LadybugDB plans an unnamed relation over every relation
// table (a measure's incoming neighbours: 0.34 ms unnamed, 0.14 ms named; bench/FIXES.md).
// NULL stands for a property none of them has; a far table without one gives null too.
MATCH (n:Document)<-[r:IN_DOCUMENT]-(m)
WHERE n.id = $key
RETURN n.id AS src, label(r) AS rel, label(m) AS label,
       m.id AS id, NULL AS name, NULL AS key, m.title AS title, NULL AS name_zh, m.region AS region, m.text AS text, m.document_id AS document_id,
       NULL AS role, NULL AS score, NULL AS scope, NULL AS measure_id
// Unordered: graph/subgraph.py sorts the rows when they all came (sorting a measure's ~15 rows
// with their texts here was 1.1 ms of a 2.7 ms statement in LadybugDB); past the cap
// it asks the ordered statement for this one key.
LIMIT $limit
