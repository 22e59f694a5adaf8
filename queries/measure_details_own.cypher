// The own columns of every node of the given documents (lookups.kept_measure_details: read once
// per measure, where measure_detail repeats them on each of its edges' rows).
MATCH (m:Measure)
WHERE m.document_id IN $documents
RETURN m.id AS id, m.region AS region, m.document_id AS document, m.label AS label,
       m.section AS section, m.title AS title, m.text AS text, m.text_original AS text_original,
       m.kind AS kind, m.deadline AS deadline, m.deadline_raw AS deadline_raw,
       m.span_start AS span_start, m.span_end AS span_end, m.fields_json AS fields_json
