// Similar-to edges are stored from each measure to its top matches: read both directions.
MATCH (m:Measure {id: $id})-[s:SIMILAR_TO]-(o:Measure)
WHERE NOT $cross_region OR o.region <> m.region
RETURN o.id AS id, o.region AS region, o.title AS title, s.score AS score,
       s.shared_terms AS shared_terms, s.method AS method
ORDER BY score DESC, id
LIMIT $limit
