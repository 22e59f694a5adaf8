// adopters_text over the candidates the project's text index found (graph/textindex.py):
// confirmed with CONTAINS on those measures only. Document titles come from
// documents_brief: joining each row to its Document here costs ten times as much.
UNWIND $ids AS i
MATCH (m:Measure {id: i})
WHERE m.kind = 'measure' AND all(t IN $terms WHERE m.text CONTAINS t)
RETURN m.region AS region, 'measure' AS via, m.id AS id, m.title AS title,
       m.document_id AS document, m.doc_date AS date
LIMIT $limit
