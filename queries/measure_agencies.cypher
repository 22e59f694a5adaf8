// Lead and support agencies of the measures an answer shows, from each measure's own
// responsibility line (LED_BY; agencies only named in the prose are MENTIONS and left out),
// in the order printed, each with the region the agency belongs to.
UNWIND $ids AS i
MATCH (m:Measure {id: i})-[l:LED_BY]->(a:Agency)
RETURN m.id AS id, a.id AS agency, a.name AS name, a.region AS region, a.collective AS collective,
       l.role AS role, l.printed AS printed, l.position AS position
