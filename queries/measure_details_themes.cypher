// The themes (HAS_THEME) of every measure of the given documents, as measure_detail's rows of that relation give
// them, each with its measure's id (lookups.kept_measure_details, a batch at a time). One
// statement per relation, its target labelled: at 10k measures 0.70 s against 0.73-0.78 s for one
// statement over every relation with measure_detail's unlabelled target.
MATCH (m:Measure)-[r:HAS_THEME]->(x:Theme)
WHERE m.document_id IN $documents
RETURN m.id AS id, 'HAS_THEME' AS rel, x.key AS x_key, x.name_zh AS x_name_zh, x.name_en AS x_name_en,
       r.terms AS terms, r.evidence AS evidence
