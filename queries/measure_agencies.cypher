MATCH (m:Measure {id: $id})-[r:LED_BY]->(a:Agency)
RETURN a.id AS id, a.name AS name, r.role AS role, r.printed AS printed, r.evidence AS evidence
ORDER BY role, r.position, name
