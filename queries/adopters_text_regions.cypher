// A text question with no usable text index: measures whose text holds every term, scanned,
// one row per region with its count and the sort keys ('<date> <id>', undated last) of its
// first $per_region measures. (With the index, graph/textindex.py answers the same without
// a scan; this is the query that reproduces its answer.)
MATCH (m:Measure)
WHERE m.kind = 'measure' AND all(t IN $terms WHERE m.text CONTAINS t)
WITH m.region AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
RETURN region, 'measure' AS via, count(*) AS n, list_sort(collect(k))[1:$per_region] AS keys
