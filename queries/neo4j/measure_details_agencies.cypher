// As queries/measure_details_agencies.cypher, with type(r) where LadybugDB has label(r).
MATCH (m:Measure)-[r:LED_BY|MENTIONS]->(x:Agency)
WHERE m.document_id IN $documents
RETURN m.id AS id, type(r) AS rel, x.id AS x_id, x.name AS x_name, r.role AS role,
       r.position AS position, r.printed AS printed, r.evidence AS evidence
