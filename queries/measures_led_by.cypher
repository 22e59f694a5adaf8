// Every measure's lead and support agencies (its LED_BY lines): rebuilds the text index's copy.
MATCH (m:Measure)-[l:LED_BY]->(a:Agency)
WHERE m.kind = 'measure'
RETURN m.id AS id, a.name AS name, a.region AS region, l.role AS role, l.printed AS printed,
       l.position AS position
