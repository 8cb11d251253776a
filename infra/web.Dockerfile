# Optional static front: nginx serving the SPA and proxying /api to the API (the API can serve the SPA itself).
FROM node:20-bookworm-slim AS web
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM nginx:1.27-alpine
COPY infra/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=web /src/frontend/dist /usr/share/nginx/html
EXPOSE 80
