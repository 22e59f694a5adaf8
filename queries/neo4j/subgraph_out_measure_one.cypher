// Neighbours of one Measure node (outgoing relations) for the subgraph builder, found by its key:
// LadybugDB looks a key up for `=`, and scans the table for `IN $keys` (subgraph_out_measure).
// Every node table is matched at once, so properties a table lacks come back null.
MATCH (n:Measure)-[r]->(m)
WHERE n.id = $key
RETURN n.id AS src, type(r) AS rel, labels(m)[0] AS label,
       m.id AS id, m.name AS name, m.key AS key, m.title AS title, m.name_zh AS name_zh, m.region AS region, m.text AS text, m.document_id AS document_id,
       r.role AS role, r.score AS score, r.scope AS scope, r.measure_id AS measure_id
// Unordered: graph/subgraph.py sorts the rows when they all came (sorting a measure's ~15 rows
// with their texts here was 1.1 ms of a 2.7 ms statement in LadybugDB); past the cap
// it asks the ordered statement for this one key.
// The cap is written in, as in queries/subgraph_out_measure_one.cypher (one set of parameters
// for both dialects; graph/queries.py written_cap reads it).
LIMIT 801
