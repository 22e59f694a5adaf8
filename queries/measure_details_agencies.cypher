// The agencies (LED_BY, MENTIONS) of every measure of the given documents, as measure_detail's rows of that relation give
// them, each with its measure's id (lookups.kept_measure_details, a batch at a time). One
// statement per relation, its target labelled: at 10k measures 0.70 s against 0.73-0.78 s for one
// statement over every relation with measure_detail's unlabelled target.
MATCH (m:Measure)-[r:LED_BY|MENTIONS]->(x:Agency)
WHERE m.document_id IN $documents
RETURN m.id AS id, label(r) AS rel, x.id AS x_id, x.name AS x_name, r.role AS role,
       r.position AS position, r.printed AS printed, r.evidence AS evidence
