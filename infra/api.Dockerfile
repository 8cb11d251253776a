# API and worker image: Python app + the built SPA (served by the API).
FROM node:20-bookworm-slim AS web
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONPATH=/app/backend PRELOAD_MODELS=1
WORKDIR /app
COPY backend/requirements.txt backend/requirements.txt
RUN pip install --no-cache-dir -r backend/requirements.txt
COPY backend/ backend/
COPY migrations/ migrations/
COPY --from=web /src/frontend/dist frontend/dist
RUN useradd --system --uid 10001 sangdam
USER sangdam
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
# Migrate, seed the demo only when asked (SEED_DEMO=1), then serve. Forwarded headers are believed by the app
# only from FORWARDED_ALLOW_IPS (compose: the nginx front), never by uvicorn.
CMD ["sh", "-c", "python -m alembic -c migrations/alembic.ini upgrade head && if [ \"$SEED_DEMO\" = 1 ]; then python -m app.cli seed; fi && exec uvicorn app.main:app --host 0.0.0.0 --port 8000 --workers 2 --no-proxy-headers"]
