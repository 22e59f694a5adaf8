"""Every bound a question may ask for, in one place: the API's parameters, the CLI's options and
the pages read them from here, so a limit means the same thing wherever it is asked."""
from __future__ import annotations

# Lists of rows (measures, documents, search hits, replications): a page of at most LIST_MAX.
LIST_MAX = 500
REGION_LIST_MAX = 5000  # /api/regions?all=true lists the whole gazetteer
OFFSET_MAX = 10_000_000

# Adopters: regions per page and measures shown per region (measure_count gives the total).
PER_REGION = 3
PER_REGION_MAX = 50
REGIONS = 500
REGIONS_MAX = 1000
OFFSET_REGIONS_MAX = 100_000

# Paths: hops of a chain and chains of an answer.
HOPS = 4
HOPS_MAX = 6
PATHS = 50
PATHS_MAX = 200

# Comparisons: regions named in one question (compare's regions, gaps' peers).
REGIONS_COMPARED_MAX = 10
# A comparison's page: themes, and measures shown per region and theme (measure_counts gives the
# totals). The ingest keeps each region's themes cut at COMPARED_SHOWN as well as whole.
COMPARED_THEMES = 100
COMPARED_THEMES_MAX = 500
COMPARED_SHOWN = 20
COMPARED_SHOWN_MAX = 100
GAPS = 50
GAPS_MAX = 200
SIMILAR = 5
SIMILAR_MAX = 50
REPLICATIONS = 100
REPLICATIONS_MAX = 500

# Drawings: nodes of a picture, hops of a neighbourhood.
NODES = 200
NODES_MAX = 1000
DEPTH_MAX = 3
