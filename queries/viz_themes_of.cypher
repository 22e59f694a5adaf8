MATCH (m:Measure)-[h:HAS_THEME]->(t:Theme)
WHERE m.id IN $ids
RETURN m.id AS measure_id, t.key AS key, t.name_zh AS name_zh, t.name_en AS name_en,
       h.terms AS terms, h.evidence AS evidence
