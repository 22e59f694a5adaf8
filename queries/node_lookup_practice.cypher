// One Practice by its primary key: the subgraph's centre (graph/subgraph.py resolve_center).
MATCH (n:Practice)
WHERE n.key = $key
RETURN n.key AS key, n.name_zh AS name_zh
LIMIT 1
