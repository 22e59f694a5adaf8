// Measures of any region whose practice is replicated into this region.
MATCH (m:Measure)-[x:REPLICATED_TO]->(r:Region {name: $name})
RETURN m.id AS measure_id, m.title AS title, m.region AS measure_region, r.name AS region,
       x.from_region AS from_region, x.scope AS scope, x.kind AS kind, x.evidence AS evidence
LIMIT $limit
