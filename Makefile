# Tributary's two contract commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO       ?= go
MODULE   := github.com/tributary-connect/tributary
COMMIT   := $(shell git rev-parse --short=16 HEAD 2>/dev/null || echo unknown)
LDFLAGS  := -X $(MODULE)/internal/version.Commit=$(COMMIT)
# confluent-kafka-go links a bundled librdkafka through cgo.
export CGO_ENABLED := 1

GOLANGCI_VERSION := v2.15.0
STACK := integration/stack

.PHONY: build run test deps vet fmt-check compose-config unit-test integration-test bench lint up down status clean

build: ## build bin/tributary
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/tributary ./cmd/tributary

run: build ## the embedded dev stack (MQTT broker, Kafka, Schema Registry in memory) and a worker
	./bin/tributary dev

# make test: install what is missing, check, unit tests with -race, then the integration
# tests against the real stack. A stack this target started is stopped again even when a
# test fails; one that `make up` started before is left running.
test: deps vet fmt-check compose-config unit-test
	@started=0; \
	if ! $(STACK)/status >/dev/null 2>&1; then started=1; fi; \
	rc=0; \
	$(STACK)/up >/dev/null || rc=$$?; \
	if [ $$rc -eq 0 ]; then \
	  $(MAKE) --no-print-directory integration-test || rc=$$?; \
	else \
	  echo "make test: the test stack did not start (logs under .stack/)"; \
	fi; \
	if [ $$started -eq 1 ]; then $(STACK)/down || true; fi; \
	exit $$rc

deps: ## check the toolchain; the stack script installs mosquitto and the Maven artifacts
	@for tool in $(GO) gcc java mvn openssl curl python3; do \
	  command -v $$tool >/dev/null || { echo "make: $$tool is required but not installed"; exit 1; }; \
	done
	$(GO) mod download
	@python3 -c 'import fastavro, jsonschema, grpc_tools.protoc, google.protobuf.message_factory' 2>/dev/null || python3 -m pip install --quiet fastavro jsonschema grpcio-tools protobuf  # independent readers for the Avro, JSON Schema and Protobuf tests

vet:
	$(GO) vet ./...
	$(GO) vet -tags integration ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.stack/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# docker-compose.yml must be valid: `docker compose config -q` where a compose client exists,
# else the same validation through compose-go (tools/composecheck, a separate module).
compose-config:
	@if docker compose version >/dev/null 2>&1; then docker compose config -q && echo "docker compose config: ok"; \
	else cd tools/composecheck && $(GO) run . ../../docker-compose.yml; fi

unit-test:
	$(GO) test -race -shuffle=on -count=1 ./...

integration-test: ## needs the stack: make up, or make test
	@if [ ! -f .stack/env ]; then echo "no .stack/env: run make up first"; exit 1; fi
	. .stack/env && $(GO) test -tags integration -count=1 ./...

# make bench: figures and ratios, never pass/fail on speed. The unit benchmarks, then the
# runtime benchmark (cmd/tributary, build tag integration): a source connector in-process
# against the real Kafka next to a bare producer's ceiling. A stack this target started is
# stopped again, even when a benchmark fails; one that was already running is left running.
bench: ## benchmarks: figures and ratios, never pass/fail on speed
	$(GO) test -run '^$$' -bench . -benchmem ./...
	@started=0; \
	if ! $(STACK)/status >/dev/null 2>&1; then started=1; fi; \
	rc=0; \
	$(STACK)/up >/dev/null || rc=$$?; \
	if [ $$rc -eq 0 ]; then \
	  ( . .stack/env && $(GO) test -tags integration -count=1 -run '^$$' -bench . -benchtime=1x ./cmd/tributary/ ) || rc=$$?; \
	else \
	  echo "make bench: the test stack did not start (logs under .stack/)"; \
	fi; \
	if [ $$started -eq 1 ]; then $(STACK)/down || true; fi; \
	exit $$rc

bin/golangci-lint:
	GOBIN=$(CURDIR)/bin $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)

lint: bin/golangci-lint
	bin/golangci-lint run ./...

up: ## start the real stack alone (Kafka, Kafka Connect, Mosquitto, Apicurio); see .stack/env
	$(STACK)/up

down:
	$(STACK)/down

status:
	$(STACK)/status

clean:
	rm -rf bin
