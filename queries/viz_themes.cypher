MATCH (t:Theme)
RETURN t.key AS key, t.name_zh AS name_zh, t.name_en AS name_en, t.synonyms AS synonyms
ORDER BY key
