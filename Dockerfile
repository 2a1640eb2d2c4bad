# The API and the worker share this image: `docker compose up` runs both.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY api ./api
COPY workers ./workers
RUN pip install . && useradd --create-home --uid 10001 partner-connect

USER partner-connect
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"

CMD ["sh", "-c", "partner-connect migrate && exec uvicorn api.app:app --host 0.0.0.0 --port 8000 --proxy-headers --http h11 --h11-max-incomplete-event-size 32768"]
