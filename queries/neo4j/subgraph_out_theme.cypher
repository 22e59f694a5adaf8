// Neighbours of Theme nodes (outgoing relations) for the subgraph builder.
// Every node table is matched at once, so properties a table lacks come back null.
MATCH (n:Theme)-[r]->(m)
WHERE n.key IN $keys
RETURN n.key AS src, type(r) AS rel, labels(m)[0] AS label,
       m.id AS id, m.name AS name, m.key AS key, m.title AS title, m.name_zh AS name_zh, m.region AS region, m.text AS text, m.document_id AS document_id,
       r.role AS role, r.score AS score, r.scope AS scope, r.measure_id AS measure_id
// A stable order, so the same request always draws the same capped picture: two edges
// between the same nodes differ in their role, measure, scope or score (graph/subgraph.py
// sorts a single node's rows the same way).
ORDER BY src, rel, label, id, name, key, role, measure_id, scope, score
LIMIT $limit
