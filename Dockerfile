# One image for every StateMesh process; the command picks the entry point.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
# A young generation sized for many requests in flight (see README, "Configuration").
ENV NODE_ENV=production NODE_OPTIONS=--max-semi-space-size=64
COPY --from=build /app /app
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
