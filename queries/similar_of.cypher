// Similar-to edges are stored from each measure to its top matches: read both directions.
MATCH (m:Measure {id: $id})-[s:SIMILAR_TO]-(o:Measure)
WHERE NOT $cross_region OR o.region <> m.region
RETURN o.id AS id, o.region AS region, o.title AS title, s.score AS score,
       s.shared_terms AS shared_terms, s.method AS method
ORDER BY score DESC, id
// The cap is written in, twice limits.SIMILAR_MAX (an edge may be stored both ways), and callers
// cut the rows to their page: LadybugDB plans a statement again at every run when its LIMIT is a
// parameter, ~0.6 of this statement's ~0.9 ms at 10k measures (graph/queries.py written_cap).
LIMIT 100
