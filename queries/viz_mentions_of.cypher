// Agencies only named in the prose of a set of measures.
MATCH (m:Measure)-[l:MENTIONS]->(a:Agency)
WHERE m.id IN $ids
RETURN m.id AS measure_id, a.id AS id, a.name AS name, a.region AS region,
       l.printed AS printed, l.evidence AS evidence
