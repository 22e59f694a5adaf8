// The most similar measure pairs between the regions compared (each side issued in one of them,
// the two sides in different regions). Walked from the regions' issuer edges (IN_REGION role
// issuer = Measure.region) instead of filtering every measure's region: for a pair of cities
// 3.8 ms instead of 6.8 at 10k measures, 26 instead of 60 at 100k, the same rows (bench/FIXES.md).
MATCH (g:Region)<-[:IN_REGION {role: 'issuer'}]-(a:Measure)-[s:SIMILAR_TO]->(b:Measure)
WHERE g.name IN $regions AND b.region IN $regions AND a.region <> b.region
RETURN a.id AS a_id, a.region AS a_region, a.title AS a_title, b.id AS b_id,
       b.region AS b_region, b.title AS b_title, s.score AS score, s.shared_terms AS shared_terms
ORDER BY score DESC, a_id, b_id
LIMIT $limit
