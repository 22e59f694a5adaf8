MATCH (m:Measure)-[s:SIMILAR_TO]->(:Measure)
WHERE m.id IN $ids
DELETE s
