// As queries/measure_detail.cypher, with type(r) where LadybugDB has label(r).
MATCH (m:Measure {id: $id})-[r:IN_DOCUMENT|IN_REGION|LED_BY|MENTIONS|HAS_THEME|REPLICATED_TO]->(x)
RETURN m.id AS id, m.region AS region, m.document_id AS document, m.label AS label,
       m.section AS section, m.title AS title, m.text AS text, m.text_original AS text_original,
       m.kind AS kind, m.deadline AS deadline, m.deadline_raw AS deadline_raw,
       m.span_start AS span_start, m.span_end AS span_end, m.fields_json AS fields_json,
       type(r) AS rel, x.id AS x_id, x.name AS x_name, x.key AS x_key, x.name_zh AS x_name_zh,
       x.name_en AS x_name_en, x.title AS x_title, x.date AS x_date,
       x.date_source AS x_date_source,
       r.role AS role, r.position AS position, r.printed AS printed, r.evidence AS evidence,
       r.terms AS terms, r.from_region AS from_region, r.scope AS scope, r.kind AS rep_kind,
       r.document AS rep_document
