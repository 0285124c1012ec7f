# syntax=docker/dockerfile:1
# Build stage: install the package and its pinned dependencies into a virtualenv.
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY policies ./policies
COPY migrations ./migrations
COPY vkemu ./vkemu
RUN pip install --no-cache-dir .

# Runtime stage: only the virtualenv, a non-root user and a data volume.
FROM python:3.11-slim AS runtime
RUN useradd --create-home --uid 10001 zavuch && mkdir -p /data && chown zavuch /data
COPY --from=build /opt/venv /opt/venv
COPY config.example.toml /etc/zavuch/config.example.toml
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    ZAVUCH_DB__PATH=/data/zavuch.db
USER zavuch
WORKDIR /data
VOLUME ["/data"]
HEALTHCHECK --interval=60s --timeout=10s --start-period=20s --retries=3 \
    CMD python -m bot healthcheck || exit 1
CMD ["python", "-m", "bot", "run"]
