MATCH (m:Measure)-[r:REPLICATED_TO]->(g:Region)
WHERE ($from_region = '' OR r.from_region = $from_region)
  AND ($to_region = '' OR g.name = $to_region)
  AND ($document = '' OR r.document = $document)
RETURN m.id AS measure_id, m.title AS title, r.from_region AS from_region, g.name AS to_region,
       r.scope AS scope, r.kind AS kind, r.evidence AS evidence, r.document AS document
ORDER BY document, measure_id, to_region
LIMIT $limit
