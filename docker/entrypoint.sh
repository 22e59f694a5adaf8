#!/bin/sh
# Wait for the graph, ingest the founding corpus if the graph is empty, then run
# the given policy-graph command (default: serve on 0.0.0.0:8000).
# POLICY_GRAPH_INGEST_ON_START=0 skips the ingest step (e.g. after `policy-graph copy`).
set -eu

backend="${POLICY_GRAPH_BACKEND:-neo4j}"

if [ "$backend" = "neo4j" ]; then
  # compose starts us once Neo4j is healthy, but a restarted server may still be
  # recovering: give it a minute before reporting why we cannot connect.
  tries=0
  until policy-graph stats --backend neo4j >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
      echo "entrypoint: Neo4j at ${NEO4J_URI:-?} is not answering; last error:" >&2
      policy-graph stats --backend neo4j >&2 || true
      exit 1
    fi
    sleep 2
  done
fi

if [ "${POLICY_GRAPH_INGEST_ON_START:-1}" = "1" ]; then
  policy-graph ingest --backend "$backend" --if-empty
fi

if [ "$#" -eq 0 ]; then
  set -- serve --host 0.0.0.0 --port 8000
fi
cmd="$1"
shift
case "$cmd" in
  serve|ingest|stats|query|export|adopters|paths|compare|gaps)
    exec policy-graph "$cmd" --backend "$backend" "$@" ;;
  *)
    exec policy-graph "$cmd" "$@" ;;
esac
