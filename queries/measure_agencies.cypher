// Lead and support agencies of the measures an answer shows, from each measure's own
// responsibility line (LED_BY; agencies only named in the prose are MENTIONS and left out),
// in the order printed, each with the region the agency belongs to and whether it is a
// collective unit standing for a whole tier (各省级人民政府).
UNWIND $ids AS i
MATCH (m:Measure {id: i})-[l:LED_BY]->(a:Agency)
RETURN m.id AS id, a.id AS agency, a.name AS name, a.region AS region, a.collective AS collective,
       l.role AS role, l.printed AS printed, l.position AS position
