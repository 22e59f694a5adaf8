// One Agency by its primary key: the subgraph's centre (graph/subgraph.py resolve_center).
MATCH (n:Agency)
WHERE n.id = $key
RETURN n.id AS id, n.name AS name, n.region AS region
LIMIT 1
