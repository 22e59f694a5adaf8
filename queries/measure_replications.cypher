MATCH (m:Measure {id: $id})-[r:REPLICATED_TO]->(g:Region)
RETURN m.region AS measure_region, r.from_region AS from_region, g.name AS to_region,
       r.scope AS scope, r.kind AS kind, r.evidence AS evidence, r.document AS document
ORDER BY from_region, to_region
