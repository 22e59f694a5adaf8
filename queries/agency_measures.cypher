// The measures an agency leads or supports, with the line that names it (evidence) and the
// document's date and where that date was read; earliest first, undated last, per role.
MATCH (m:Measure)-[l:LED_BY]->(a:Agency {id: $id})
WHERE m.kind = 'measure' AND ($role = '' OR l.role = $role)
MATCH (m)-[:IN_DOCUMENT]->(d:Document)
RETURN m.id AS id, m.region AS region, m.document_id AS document, m.label AS label,
       m.title AS title, m.text AS text, l.role AS role, l.printed AS printed,
       l.evidence AS agency_evidence, d.title AS document_title, d.date AS date,
       d.date_source AS date_source
ORDER BY role, coalesce(date, '9999-99-99'), document, m.ordinal
SKIP $offset
LIMIT $limit
