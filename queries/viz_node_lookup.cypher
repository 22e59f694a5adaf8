// Find a node by its identity property whatever its type (a bare ?center= value).
// Matching every table at once leaves properties a table lacks as null.
MATCH (n)
WHERE n.id = $key OR n.name = $key OR n.key = $key
RETURN label(n) AS label, n.id AS id, n.name AS name, n.key AS key, n.title AS title,
       n.name_zh AS name_zh, n.region AS region, n.text AS text, n.document_id AS document_id
LIMIT 10
