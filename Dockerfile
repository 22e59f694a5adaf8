# policy-graph API image. docker-compose.yml runs it against Neo4j; it also runs
# with the embedded backend (POLICY_GRAPH_BACKEND=ladybug, database in /app/var).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# jemalloc: `policy-graph serve` preloads it (policy_graph/allocator.py); glibc malloc lets the
# server's memory grow under concurrent load (RELIABILITY.md, Load).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libjemalloc2 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
# Editable install: the code finds queries/ and data/ beside its packages.
RUN pip install -e . \
 && useradd --create-home --uid 10001 app \
 && mkdir -p /app/var \
 && chown -R app:app /app/var \
 && chmod +x docker/entrypoint.sh

USER app
ENV POLICY_GRAPH_BACKEND=neo4j \
    POLICY_GRAPH_DB=/app/var/policy.lbdb
VOLUME ["/app/var"]
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=5 \
  CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=4).status != 200)"

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
