// Lead and support agencies of a set of measures (MENTIONS comes from viz_mentions_of).
MATCH (m:Measure)-[l:LED_BY]->(a:Agency)
WHERE m.id IN $ids
RETURN m.id AS measure_id, a.id AS id, a.name AS name, a.region AS region, a.collective AS collective,
       l.role AS role, l.printed AS printed, l.evidence AS evidence
