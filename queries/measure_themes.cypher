MATCH (m:Measure {id: $id})-[r:HAS_THEME]->(t:Theme)
RETURN t.key AS key, t.name_zh AS name_zh, t.name_en AS name_en, r.terms AS terms,
       r.evidence AS evidence
ORDER BY key
