// The measures a practice's adopters answer shows, by primary key: title, document, date and
// the sentence that carries the practice (the practice is matched first and bound, as in
// adopters_theme_shown).
MATCH (p:Practice {key: $practice})
WITH p
UNWIND $ids AS i
MATCH (m:Measure {id: i})-[h:HAS_PRACTICE]->(p)
RETURN m.id AS id, m.title AS title, m.region AS region, m.document_id AS document, m.doc_date AS date,
       h.evidence AS evidence
