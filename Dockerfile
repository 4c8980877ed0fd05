# One image for every role: web, dispatcher, worker, beat, migrate (bin/docker-entrypoint).
#   docker build -t letmepost .
#   docker run --env-file .env letmepost web        (see docker-compose.yml, docs/self-host.md)

# --- builder: wheels for every pinned runtime dependency ---------------------------------------
FROM python:3.11-slim-bookworm AS builder
WORKDIR /build
COPY pyproject.toml ./
# The runtime dependency list, read from pyproject.toml so the pins live in one place.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt

# --- runtime: slim, no compilers, no pip cache, not root ------------------------------------------
FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LETMEPOST_DATA_DIR=/data \
    LETMEPOST_HOST=0.0.0.0 \
    LETMEPOST_PORT=8000
RUN groupadd --system --gid 10001 letmepost \
    && useradd --system --uid 10001 --gid letmepost --home-dir /app --shell /usr/sbin/nologin letmepost
WORKDIR /app
COPY --from=builder /build/requirements.txt /tmp/requirements.txt
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt
# Code stays root-owned: the app user can read it, not change it.
COPY . /app
# Static files are collected into the image. The settings load in production mode with throwaway
# values so that no secrets.json is written into a layer; no database is touched.
RUN DATABASE_URL=postgres://build@localhost/build \
    LETMEPOST_SECRET_KEY=collectstatic-only-not-a-secret-0123456789abcdefghijklmnop \
    LETMEPOST_ENCRYPTION_KEYS=3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /data/media \
    && chown -R letmepost:letmepost /data
# Numeric, so orchestrators can verify runAsNonRoot without reading /etc/passwd.
USER 10001:10001
VOLUME ["/data/media"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('LETMEPOST_PORT', '8000'), timeout=4)"]
ENTRYPOINT ["bin/docker-entrypoint"]
CMD ["web"]
