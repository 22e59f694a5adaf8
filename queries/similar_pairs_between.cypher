MATCH (a:Measure)-[s:SIMILAR_TO]->(b:Measure)
WHERE a.region IN $regions AND b.region IN $regions AND a.region <> b.region
RETURN a.id AS a_id, a.region AS a_region, a.title AS a_title, b.id AS b_id,
       b.region AS b_region, b.title AS b_title, s.score AS score, s.shared_terms AS shared_terms
ORDER BY score DESC, a_id, b_id
LIMIT $limit
