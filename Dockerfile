# syntax=docker/dockerfile:1
# One image per binary: `docker build --target api .` or `--target worker`.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/ ./cmd/api ./cmd/worker ./cmd/migrate

FROM gcr.io/distroless/static-debian12:nonroot AS base
ENV APP_ENV=production
USER nonroot:nonroot

FROM base AS api
COPY --from=build /out/api /out/migrate /usr/local/bin/
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/api"]

FROM base AS worker
COPY --from=build /out/worker /out/migrate /usr/local/bin/
EXPOSE 9090
ENTRYPOINT ["/usr/local/bin/worker"]
