// Regions that carry facts (measures or replication flows); $include_all lists the whole gazetteer.
MATCH (g:Region)
OPTIONAL MATCH (g)<-[:IN_REGION]-(m:Measure)
WHERE m.kind = 'measure'
WITH g, count(m) AS measure_count
OPTIONAL MATCH (g)-[f:PRACTICE_FLOW]-(:Region)
WITH g, measure_count, count(f) AS flows
WHERE $include_all OR measure_count > 0 OR flows > 0
RETURN g.name AS name, g.full_name AS full_name, g.name_en AS name_en, g.level AS level,
       g.parent AS parent, measure_count
ORDER BY measure_count DESC, name
LIMIT $limit
