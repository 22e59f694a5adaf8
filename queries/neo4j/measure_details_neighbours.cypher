// As queries/measure_details_neighbours.cypher, with type(r) and labels(m)[0] where LadybugDB
// has label(r) and label(m).
MATCH (n:Measure)-[r:HAS_PRACTICE|HAS_THEME|IN_DOCUMENT|IN_REGION|LED_BY|MENTIONS|REPLICATED_TO]->(m)
WHERE n.document_id IN $documents
RETURN n.id AS src,
       collect([type(r), labels(m)[0], m.id, m.name, m.key, m.title, m.name_zh, m.region, m.text, m.document_id,
                r.role, r.scope]) AS neighbours
