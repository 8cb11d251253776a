# Optional static front: nginx serving the SPA and proxying /api to the API (the API can serve the SPA itself).
FROM node:20-bookworm-slim AS web
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM nginx:1.27-alpine
# A template: the entrypoint sources the .envsh (NGINX_BODY_MAX_KB from UPLOAD_MAX_MB), then substitutes it.
COPY infra/nginx.conf /etc/nginx/templates/default.conf.template
COPY infra/nginx-limits.envsh /docker-entrypoint.d/15-sangdam-limits.envsh
COPY --from=web /src/frontend/dist /usr/share/nginx/html
EXPOSE 80
