// The agencies (LED_BY, MENTIONS) of every measure of the given documents, as measure_detail's rows of that relation give
// them, each with its measure's id (lookups.kept_measure_details). One statement per relation, its
// target labelled: measure_detail's unlabelled target, over every measure of an upload, held so
// much of the smallest buffer pool (64 MiB) that the upload's next statements were refused.
MATCH (m:Measure)-[r:LED_BY|MENTIONS]->(x:Agency)
WHERE m.document_id IN $documents
RETURN m.id AS id, label(r) AS rel, x.id AS x_id, x.name AS x_name, r.role AS role,
       r.position AS position, r.printed AS printed, r.evidence AS evidence
