// The replications of a practice by the measures an adopters answer shows as replicated to
// or from a region: the sentence that states the replication.
UNWIND $ids AS i
MATCH (m:Measure {id: i})-[r:REPLICATED_TO]->(g:Region)
WHERE $practice IN r.practices
RETURN m.id AS id, g.name AS to_region, r.from_region AS from_region, r.evidence AS evidence
