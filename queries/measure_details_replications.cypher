// The replications (REPLICATED_TO) of every measure of the given documents, as measure_detail's rows of that relation give
// them, each with its measure's id (lookups.kept_measure_details, a batch at a time). One
// statement per relation, its target labelled: at 10k measures 0.70 s against 0.73-0.78 s for one
// statement over every relation with measure_detail's unlabelled target.
MATCH (m:Measure)-[r:REPLICATED_TO]->(x:Region)
WHERE m.document_id IN $documents
RETURN m.id AS id, 'REPLICATED_TO' AS rel, x.name AS x_name, r.from_region AS from_region, r.scope AS scope,
       r.kind AS rep_kind, r.evidence AS evidence, r.document AS rep_document
