// Every similar pair a region's measures start (the left one issued in the region, the right
// one in another region), for the ingest to keep with the region's themes: the pairs between
// regions compared (similar_pairs_between) are then merged from the regions' kept lists.
MATCH (g:Region)<-[:IN_REGION {role: 'issuer'}]-(a:Measure)-[s:SIMILAR_TO]->(b:Measure)
WHERE g.name IN $regions AND b.region IS NOT NULL AND a.region <> b.region
RETURN g.name AS region, a.id AS a_id, b.id AS b_id, b.region AS b_region, s.score AS score,
       s.shared_terms AS shared_terms
