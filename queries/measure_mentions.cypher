MATCH (m:Measure {id: $id})-[r:MENTIONS]->(a:Agency)
RETURN a.id AS id, a.name AS name, r.printed AS printed, r.evidence AS evidence
ORDER BY name
