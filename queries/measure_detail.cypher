MATCH (m:Measure {id: $id})-[:IN_DOCUMENT]->(d:Document)
OPTIONAL MATCH (m)-[l:LED_BY]->(a:Agency)
WITH m, d, collect({id: a.id, name: a.name, role: l.role, position: l.position, printed: l.printed,
                    evidence: l.evidence}) AS agencies
OPTIONAL MATCH (m)-[n:MENTIONS]->(b:Agency)
WITH m, d, agencies, collect({id: b.id, name: b.name, printed: n.printed, evidence: n.evidence}) AS mentions
OPTIONAL MATCH (m)-[h:HAS_THEME]->(t:Theme)
WITH m, d, agencies, mentions, collect({key: t.key, name_zh: t.name_zh, name_en: t.name_en,
                                        terms: h.terms, evidence: h.evidence}) AS themes
OPTIONAL MATCH (m)-[r:REPLICATED_TO]->(g:Region)
WITH m, d, agencies, mentions, themes,
     collect({from_region: r.from_region, to_region: g.name, scope: r.scope, kind: r.kind,
              evidence: r.evidence, document: r.document}) AS replications
RETURN m.id AS id, m.region AS region, m.document_id AS document, m.label AS label,
       m.section AS section, m.title AS title, m.text AS text, m.text_original AS text_original,
       m.kind AS kind, m.deadline AS deadline, m.deadline_raw AS deadline_raw,
       m.span_start AS span_start, m.span_end AS span_end, m.fields_json AS fields_json,
       d.title AS document_title, d.date AS document_date,
       agencies, mentions, themes, replications
