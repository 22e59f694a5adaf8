// Similar measures in either direction; the caller keeps the best score per pair.
MATCH (m:Measure {id: $id})-[s:SIMILAR_TO]-(o:Measure)
RETURN o.id AS id, o.title AS title, o.region AS region, s.score AS score,
       s.shared_terms AS shared_terms, s.method AS method
ORDER BY score DESC
LIMIT $limit
