// Where the practices of a set of measures were (or will be) replicated.
MATCH (m:Measure)-[x:REPLICATED_TO]->(r:Region)
WHERE m.id IN $ids
RETURN m.id AS measure_id, r.name AS region, x.from_region AS from_region, x.scope AS scope,
       x.kind AS kind, x.evidence AS evidence, x.document AS document, x.themes AS themes
