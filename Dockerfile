# Multi-stage build of the tributary binary. confluent-kafka-go links a bundled librdkafka
# through cgo, so the build stage needs gcc and the runtime stage glibc.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG COMMIT=unknown
RUN CGO_ENABLED=1 go build -trimpath \
      -ldflags "-s -w -X github.com/tributary-connect/tributary/internal/version.Commit=${COMMIT}" \
      -o /out/tributary ./cmd/tributary

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 tributary
COPY --from=build /out/tributary /usr/local/bin/tributary
COPY examples/worker.properties /etc/tributary/worker.properties
USER tributary
EXPOSE 8083
ENTRYPOINT ["tributary"]
CMD ["worker", "/etc/tributary/worker.properties"]
