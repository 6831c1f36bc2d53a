# shellcheck shell=bash
# lib.sh — shared functions of the test stack scripts (up, down, status, restart-mosquitto);
# sourced, never run.
#
# The stack: Apache Kafka (KRaft, single node), a Kafka Connect distributed worker, Mosquitto
# (five listeners: plain, TLS, mTLS, username/password, WebSockets) and Apicurio Registry
# (ccompat API), all on 127.0.0.1 only. Versions are pinned in versions.env. Maven artifacts live
# in ~/.m2 (the shared download cache); everything else (classpath file, extracted Apicurio,
# certificates, configs, data, logs, pid files, the env file) lives under <repo>/.stack/.
#
# The scripts: `up` installs and starts what is not running (and restarts Mosquitto when its
# config changed), `down` stops everything, `status` reports, and `restart-mosquitto` restarts
# Mosquitto alone, gracefully (SIGTERM, wait, start with the same config, wait for every
# listener), so that tests can check that queued messages and persistent sessions survive a
# broker restart; .stack/env exports its path as TRIBUTARY_TEST_MQTT_RESTART, and the pid files of
# Mosquitto and Kafka as TRIBUTARY_TEST_MQTT_PIDFILE / TRIBUTARY_TEST_KAFKA_PIDFILE (tests may
# SIGSTOP/SIGCONT Kafka to simulate an outage; stop_services sends SIGCONT after SIGTERM so that
# `down` still stops a Kafka a test left stopped).

STACK_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$STACK_SRC/../.." && pwd -P)"
STACK_DIR="$REPO_ROOT/.stack"
CERTS_DIR="$STACK_DIR/certs"
ENV_FILE="$STACK_DIR/env"
# ~/.m2 is the download cache shared by every clone; MAVEN_LOCAL_REPO overrides it (passed to mvn).
M2_REPO="${MAVEN_LOCAL_REPO:-$HOME/.m2/repository}"
MVN=(mvn -q -B)
if [[ -n ${MAVEN_LOCAL_REPO:-} ]]; then MVN+=("-Dmaven.repo.local=$MAVEN_LOCAL_REPO"); fi
# mosquitto lives in /usr/sbin on Debian; make sure it is found from any environment.
PATH="$PATH:/usr/sbin:/sbin"

# Any unexpected failure says where it happened (the scripts run with set -Eeuo pipefail).
trap 'printf "[stack] ERROR: command failed (exit %s) at %s:%s: %s\n" "$?" "${BASH_SOURCE[0]##*/}" "$LINENO" "$BASH_COMMAND" >&2' ERR

# shellcheck source=versions.env
. "$STACK_SRC/versions.env"
: "${KAFKA_VERSION:?}" "${LOG4J_VERSION:?}" "${SLF4J_VERSION:?}" "${APICURIO_VERSION:?}"

HOST=127.0.0.1
KAFKA_PORT=19092
KAFKA_CONTROLLER_PORT=19093
CONNECT_PORT=18083
SR_PORT=18081
SR_MGMT_PORT=18082 # Quarkus management interface (health/metrics); it is on by default in the build
MQTT_PORT=11883
MQTT_TLS_PORT=18883
MQTT_MTLS_PORT=18884
MQTT_AUTH_PORT=11884
MQTT_WS_PORT=11885 # MQTT over WebSockets (ws://, no TLS, anonymous)
MQTT_USERNAME=tributary
MQTT_PASSWORD=tributary-secret

# Start order; down stops in reverse (Connect before Kafka).
SERVICES=(kafka connect mosquitto apicurio)

log() { printf '[stack] %s\n' "$*" >&2; }
die() {
  printf '[stack] ERROR: %s\n' "$*" >&2
  exit 1
}
now() { date +%s; }
# elapsed START_NS — seconds since START_NS (a `date +%s%N` value), as 1.234.
elapsed() {
  local ms=$((($(date +%s%N) - $1) / 1000000))
  printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

svc_dir() { printf '%s/%s' "$STACK_DIR" "$1"; }
svc_pidfile() { printf '%s/%s/pid' "$STACK_DIR" "$1"; }
svc_log() {
  case $1 in
  kafka) printf '%s/kafka/kafka.log' "$STACK_DIR" ;;
  connect) printf '%s/connect/connect.log' "$STACK_DIR" ;;
  mosquitto) printf '%s/mosquitto/mosquitto.log' "$STACK_DIR" ;;
  apicurio) printf '%s/apicurio/apicurio.log' "$STACK_DIR" ;;
  esac
}

# Ports each service binds (all on $HOST).
svc_ports() {
  case $1 in
  kafka) echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT" ;;
  connect) echo "$CONNECT_PORT" ;;
  mosquitto) echo "$MQTT_PORT $MQTT_TLS_PORT $MQTT_MTLS_PORT $MQTT_AUTH_PORT $MQTT_WS_PORT" ;;
  apicurio) echo "$SR_PORT $SR_MGMT_PORT" ;;
  esac
}

# Human-readable addresses.
svc_addr() {
  case $1 in
  kafka) echo "PLAINTEXT $HOST:$KAFKA_PORT (controller $HOST:$KAFKA_CONTROLLER_PORT)" ;;
  connect) echo "http://$HOST:$CONNECT_PORT" ;;
  mosquitto) echo "tcp://$HOST:$MQTT_PORT ssl://$HOST:$MQTT_TLS_PORT mtls://$HOST:$MQTT_MTLS_PORT auth://$HOST:$MQTT_AUTH_PORT ws://$HOST:$MQTT_WS_PORT" ;;
  apicurio) echo "http://$HOST:$SR_PORT/apis/ccompat/v7 (management $HOST:$SR_MGMT_PORT)" ;;
  esac
}

# A string that only our process of that service has in its command line (guards against pid
# reuse and against another clone's stack).
svc_marker() {
  case $1 in
  kafka) echo "$STACK_DIR/kafka/server.properties" ;;
  connect) echo "$STACK_DIR/connect/connect-distributed.properties" ;;
  mosquitto) echo "$STACK_DIR/mosquitto/mosquitto.conf" ;;
  apicurio) echo "$STACK_DIR/apicurio/dist/quarkus-run.jar" ;;
  esac
}

# Prints the pid from the pid file (empty if none).
svc_pid() {
  local f
  f="$(svc_pidfile "$1")"
  [[ -s $f ]] || return 0
  tr -dc '0-9' <"$f"
}

# True when the pid file names a live process whose command line is ours.
svc_running() {
  local pid cmd
  pid="$(svc_pid "$1")"
  [[ -n $pid ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ $cmd == *"$(svc_marker "$1")"* ]]
}

# True when something accepts TCP connections on $HOST:$1.
port_open() {
  # shellcheck disable=SC2016 # $0/$1 belong to the inner shell
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$HOST" "$1" 2>/dev/null
}

# Fails with one line when a port of the (not running) service is taken by someone else.
check_ports_free() {
  local svc=$1 p who
  for p in $(svc_ports "$svc"); do
    if port_open "$p"; then
      who=""
      if command -v ss >/dev/null 2>&1; then
        who="$(ss -Hltnp "sport = :$p" 2>/dev/null | grep -o 'users:.*' | head -1 || true)"
      fi
      die "port $HOST:$p (needed by $svc) is already in use by a process that is not ours${who:+ ($who)}"
    fi
  done
}

# Prints the last lines of a service's log to stderr.
log_tail() {
  local f
  f="$(svc_log "$1")"
  if [[ -f $f ]]; then
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n "${2:-40}" "$f" >&2
    printf -- '-----\n' >&2
  fi
}

# start_bg SVC WORKDIR CMD... — runs CMD detached (own session, stdin from /dev/null, output to the
# service log, previous log kept as .1) and waits for its pid file. The pid written is the pid of
# CMD itself: the wrapper shell writes its own pid and then execs CMD.
start_bg() {
  local svc=$1 dir=$2
  shift 2
  local pidf logf i
  pidf="$(svc_pidfile "$svc")"
  logf="$(svc_log "$svc")"
  rm -f "$pidf"
  if [[ -f $logf ]]; then mv -f "$logf" "$logf.1"; fi
  # The server keeps no descriptor of ours beyond 0-2: not the up/down lock (fd 9), nor any pipe
  # the caller may have open (a CI runner would wait on it forever).
  # shellcheck disable=SC2016 # $0/$$/$@ belong to the inner shell
  (cd "$dir" && exec nohup setsid bash -c '
    echo $$ >"$0"
    for fd in /proc/$$/fd/*; do fd=${fd##*/}; if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi; done 2>/dev/null
    exec "$@"' "$pidf" "$@" >"$logf" 2>&1 </dev/null 9>&-) &
  for ((i = 0; i < 100; i++)); do
    [[ -s $pidf ]] && return 0
    sleep 0.05
  done
  die "$svc did not write its pid file $pidf"
}

# wait_ready SVC TIMEOUT_S CHECK_FN — polls CHECK_FN until it succeeds; fails with the log tail if
# the process dies or the deadline passes.
wait_ready() {
  local svc=$1 timeout=$2 check=$3 deadline
  deadline=$(($(now) + timeout))
  while :; do
    if ! svc_running "$svc"; then
      log_tail "$svc"
      die "$svc exited before it was ready (log: $(svc_log "$svc"))"
    fi
    if "$check"; then return 0; fi
    if (($(now) >= deadline)); then
      log_tail "$svc"
      die "$svc not ready after ${timeout}s (log: $(svc_log "$svc"))"
    fi
    sleep 0.5
  done
}

# stop_services SVC... — SIGTERM to each running service (then SIGCONT, in case a test left it
# SIGSTOPped), wait up to $STOP_GRACE_S (default 20) seconds for all, then SIGKILL; removes the pid
# files. Pids whose command line is not ours are left alone.
stop_services() {
  local svc pid deadline alive grace=${STOP_GRACE_S:-20}
  local -a pids=()
  for svc in "$@"; do
    pid="$(svc_pid "$svc")"
    if [[ -n $pid ]] && svc_running "$svc"; then
      log "stopping $svc (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      kill -CONT "$pid" 2>/dev/null || true
      pids+=("$pid")
    elif [[ -n $pid ]]; then
      log "$svc: stale pid file (pid $pid not running or not ours), removing it"
    fi
  done
  deadline=$(($(now) + grace))
  while ((${#pids[@]})); do
    alive=()
    for pid in "${pids[@]}"; do
      if kill -0 "$pid" 2>/dev/null; then alive+=("$pid"); fi
    done
    pids=("${alive[@]+"${alive[@]}"}")
    ((${#pids[@]})) || break
    if (($(now) >= deadline)); then
      log "still alive after $grace s, sending SIGKILL: ${pids[*]}"
      kill -KILL "${pids[@]}" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  for svc in "$@"; do rm -f "$(svc_pidfile "$svc")"; done
}

# ---------------------------------------------------------------------------------------------
# Java

kafka_java() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then echo "$JAVA_HOME/bin/java"; else command -v java || die "java not found"; fi
}

java_major() {
  local v
  v="$("$1" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9.]*\).*/\1/p' | head -1)"
  v="${v#1.}"
  echo "${v%%.*}"
}

# A java >= $1: $APICURIO_JAVA, $JAVA_HOME, java on PATH, then /usr/lib/jvm/* newest first.
find_java_min() {
  local min=$1 j m
  local -a cands=()
  [[ -n ${APICURIO_JAVA:-} ]] && cands+=("$APICURIO_JAVA")
  [[ -n ${JAVA_HOME:-} ]] && cands+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && cands+=("$(command -v java)")
  while IFS= read -r j; do cands+=("$j"); done < <(printf '%s\n' /usr/lib/jvm/*/bin/java | sort -rV)
  for j in "${cands[@]}"; do
    [[ -x $j ]] || continue
    m="$(java_major "$j")"
    if [[ -n $m ]] && ((m >= min)); then
      echo "$j"
      return 0
    fi
  done
  return 1
}

# ---------------------------------------------------------------------------------------------
# Installation steps (each idempotent)

CLASSPATH_FILE="$STACK_DIR/kafka/classpath.txt"

# Resolves the Kafka + Connect classpath from ~/.m2 (downloading what is missing) into
# $CLASSPATH_FILE; reuses it while pom.xml and versions.env are unchanged and every jar exists.
ensure_classpath() {
  local key_file="$STACK_DIR/kafka/classpath.key" want jar ok=1
  want="$({ cat "$STACK_SRC/pom.xml" "$STACK_SRC/versions.env"; echo "$M2_REPO"; } | sha256sum | cut -d' ' -f1)"
  if [[ -s $CLASSPATH_FILE && -f $key_file && "$(cat "$key_file")" == "$want" ]]; then
    local -a jars=()
    IFS=: read -r -a jars <"$CLASSPATH_FILE" || true # no trailing newline
    for jar in "${jars[@]}"; do [[ -f $jar ]] || ok=0; done
    ((ok)) && return 0
  fi
  log "resolving Kafka $KAFKA_VERSION classpath with Maven (downloads into $M2_REPO on first use)"
  mkdir -p "$STACK_DIR/kafka"
  if ! "${MVN[@]}" -f "$STACK_SRC/pom.xml" dependency:build-classpath \
    -Dmdep.outputFile="$CLASSPATH_FILE.tmp" -DincludeScope=runtime \
    -Dkafka.version="$KAFKA_VERSION" -Dlog4j.version="$LOG4J_VERSION" -Dslf4j.version="$SLF4J_VERSION" \
    >"$STACK_DIR/maven.log" 2>&1; then
    tail -n 40 "$STACK_DIR/maven.log" >&2
    die "Maven could not resolve the Kafka classpath (log: $STACK_DIR/maven.log)"
  fi
  mv -f "$CLASSPATH_FILE.tmp" "$CLASSPATH_FILE"
  echo "$want" >"$key_file"
}

# Downloads the Apicurio Registry distribution into ~/.m2 and extracts it to .stack/apicurio/dist.
ensure_apicurio() {
  local base="$STACK_DIR/apicurio" tgz
  if [[ -f $base/dist/quarkus-run.jar && -f $base/dist.version && "$(cat "$base/dist.version")" == "$APICURIO_VERSION" ]]; then
    return 0
  fi
  tgz="$M2_REPO/io/apicurio/apicurio-registry-app/$APICURIO_VERSION/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
  mkdir -p "$base"
  if [[ ! -f $tgz ]]; then
    log "downloading Apicurio Registry $APICURIO_VERSION with Maven"
    if ! (cd "$base" && "${MVN[@]}" dependency:get -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
      -Dtransitive=false >"$STACK_DIR/maven-apicurio.log" 2>&1); then
      tail -n 40 "$STACK_DIR/maven-apicurio.log" >&2
      die "Maven could not download Apicurio Registry (log: $STACK_DIR/maven-apicurio.log)"
    fi
    [[ -f $tgz ]] || die "Apicurio tarball not found at $tgz after download (set MAVEN_LOCAL_REPO if the Maven local repository is elsewhere)"
  fi
  log "extracting Apicurio Registry $APICURIO_VERSION"
  rm -rf "$base/dist" "$base/dist.tmp"
  mkdir -p "$base/dist.tmp"
  tar -xzf "$tgz" -C "$base/dist.tmp"
  [[ -f $base/dist.tmp/quarkus-run.jar ]] || die "quarkus-run.jar not found in $tgz"
  mv "$base/dist.tmp" "$base/dist"
  echo "$APICURIO_VERSION" >"$base/dist.version"
}

# Installs mosquitto and its clients from Debian when any of the commands is missing. The
# package's own service is kept from starting (policy-rc.d) — we run our own instance.
ensure_mosquitto() {
  local c missing=0
  for c in mosquitto mosquitto_pub mosquitto_sub mosquitto_passwd; do
    command -v "$c" >/dev/null 2>&1 || missing=1
  done
  ((missing)) || return 0
  log "installing mosquitto and mosquitto-clients from Debian"
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mosquitto mosquitto-clients
  } >"$STACK_DIR/apt.log" 2>&1 || rc=$?
  ((made_policy)) && rm -f "$policy"
  if ((rc)); then
    tail -n 30 "$STACK_DIR/apt.log" >&2
    die "apt-get could not install mosquitto (log: $STACK_DIR/apt.log)"
  fi
  command -v mosquitto >/dev/null 2>&1 || die "mosquitto still not found after installing it"
}

# Generates the test PKI under .stack/certs once (again only if a file is missing or expires
# within a day): a CA, a server certificate for localhost/127.0.0.1, a client certificate, and an
# untrusted client certificate signed by a second CA. Sets CERTS_CHANGED=1 when it generated.
# shellcheck disable=SC2034 # read by up
CERTS_CHANGED=0
CERT_FILES=(ca.crt ca.key server.crt server.key client.crt client.key untrusted-ca.crt untrusted-ca.key untrusted-client.crt untrusted-client.key)
ensure_certs() {
  local f ok=1
  for f in "${CERT_FILES[@]}"; do [[ -s $CERTS_DIR/$f ]] || ok=0; done
  if ((ok)); then
    for f in ca.crt server.crt client.crt untrusted-ca.crt untrusted-client.crt; do
      openssl x509 -checkend 86400 -noout -in "$CERTS_DIR/$f" >/dev/null 2>&1 || ok=0
    done
  fi
  ((ok)) && return 0
  log "generating test certificates in $CERTS_DIR"
  local t="$STACK_DIR/certs.tmp"
  rm -rf "$t"
  mkdir -p "$t"
  (
    set -euo pipefail
    cd "$t"
    umask 077
    q() { "$@" >/dev/null 2>&1 || {
      echo "openssl failed: $*" >&2
      exit 1
    }; }
    ca() { # name CN
      q openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout "$1.key" -out "$1.crt" \
        -subj "/O=Tributary Test/CN=$2" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectKeyIdentifier=hash"
    }
    leaf() { # name CN issuer extfile-content
      printf '%b' "$4" >"$1.ext"
      q openssl req -new -newkey rsa:2048 -nodes -sha256 -keyout "$1.key" -out "$1.csr" -subj "/O=Tributary Test/CN=$2"
      q openssl x509 -req -sha256 -days 3650 -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" \
        -set_serial "0x$(openssl rand -hex 16 | sed 's/^./1/')" -extfile "$1.ext" -out "$1.crt"
      rm -f "$1.csr" "$1.ext"
    }
    common='basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nauthorityKeyIdentifier=keyid\n'
    ca ca "Tributary Test CA"
    leaf server localhost ca "${common}extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n"
    leaf client tributary-client ca "${common}extendedKeyUsage=clientAuth\n"
    ca untrusted-ca "Tributary Untrusted CA"
    leaf untrusted-client tributary-client untrusted-ca "${common}extendedKeyUsage=clientAuth\n"
    q openssl verify -CAfile ca.crt server.crt client.crt
    chmod 600 ./*.key
    chmod 644 ./*.crt
  ) || die "certificate generation failed"
  rm -rf "$CERTS_DIR"
  mv "$t" "$CERTS_DIR"
  # shellcheck disable=SC2034 # read by up
  CERTS_CHANGED=1
}

# ---------------------------------------------------------------------------------------------
# Config files (rewritten on every up; deterministic)

write_log4j2() { # file root-level console-target
  cat >"$1" <<EOF
# Written by integration/stack (lib.sh). Console output is redirected to the service log.
status = warn
name = tributary-stack
appender.out.type = Console
appender.out.name = OUT
appender.out.target = $3
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %X{connector.context}%m (%c)%n
rootLogger.level = $2
rootLogger.appenderRef.out.ref = OUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.reflections.name = org.reflections
logger.reflections.level = ERROR
EOF
}

write_kafka_config() {
  local d="$STACK_DIR/kafka"
  mkdir -p "$d/data"
  cat >"$d/server.properties" <<EOF
# Written by integration/stack (lib.sh): Apache Kafka $KAFKA_VERSION, KRaft single node.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$d/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  write_log4j2 "$d/log4j2.properties" INFO SYSTEM_OUT
  write_log4j2 "$d/tools-log4j2.properties" WARN SYSTEM_ERR
  cat >"$d/tools.properties" <<EOF
request.timeout.ms=5000
default.api.timeout.ms=10000
EOF
}

write_connect_config() {
  local d="$STACK_DIR/connect"
  mkdir -p "$d"
  cat >"$d/connect-distributed.properties" <<EOF
# Written by integration/stack (lib.sh): Kafka Connect $KAFKA_VERSION distributed worker.
bootstrap.servers=$HOST:$KAFKA_PORT
group.id=oracle-connect
config.storage.topic=oracle-connect-configs
offset.storage.topic=oracle-connect-offsets
status.storage.topic=oracle-connect-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
offset.flush.interval.ms=1000
listeners=http://$HOST:$CONNECT_PORT
rest.advertised.host.name=$HOST
rest.advertised.port=$CONNECT_PORT
rest.advertised.listener=http
# plugin.path is unset: the plugins are the Connect jars on the classpath, all of which carry
# ServiceLoader manifests, so skip the slow (~2.5 s) reflection scan.
plugin.discovery=service_load
EOF
  write_log4j2 "$d/log4j2.properties" INFO SYSTEM_OUT
}

MOSQUITTO_CONF="$STACK_DIR/mosquitto/mosquitto.conf"
# The sha256 of the config the running mosquitto was started with (written by start_mosquitto), so
# that `up` restarts it when the config changed.
MOSQUITTO_CONF_STAMP="$STACK_DIR/mosquitto/running-conf.sha256"

write_mosquitto_config() {
  local d="$STACK_DIR/mosquitto"
  mkdir -p "$d/data"
  if [[ ! -s $d/passwd ]]; then
    (umask 077 && mosquitto_passwd -c -b "$d/passwd" "$MQTT_USERNAME" "$MQTT_PASSWORD") ||
      die "mosquitto_passwd failed"
  fi
  chmod 600 "$d/passwd"
  cat >"$MOSQUITTO_CONF.tmp" <<EOF
# Written by integration/stack (lib.sh): our own mosquitto, run in the foreground as root.
# Option semantics checked against mosquitto.conf(5) of the Debian package (Mosquitto 2.0.11).
user root
per_listener_settings true
log_dest stdout
log_type error
log_type warning
log_type notice
log_type information
log_timestamp_format %Y-%m-%dT%H:%M:%S
connection_messages true

# Persistence (sessions, subscriptions, queued messages) in data/mosquitto.db. Mosquitto writes
# the db when it exits on SIGTERM/SIGINT — which is how restart-mosquitto and down stop it, so a
# graceful restart keeps every queued message and persistent session — and otherwise only every
# autosave_interval. The stock interval is 1800 s; 10 s bounds what a crash or a SIGKILL (after
# the stop grace period) can lose. autosave_on_changes false: the interval counts seconds; with
# true it would count changes (each queued message is one), i.e. a full db write every 10
# messages at 100k messages — far too often.
persistence true
persistence_location $d/data/
autosave_interval 10
autosave_on_changes false

# Queue limits, for the at-least-once tests: they kill the worker mid-stream while a publisher
# keeps publishing 100k QoS 1 messages, and the broker must hold all of them for the offline
# persistent session. The stock max_queued_messages is 1000 per client, beyond which new messages
# are silently dropped. 0 means "no maximum" in 2.0.11, but we do not rely on that across
# versions: an explicit limit of 1,000,000 queued messages per client (an offline session holds
# exactly that many — measured: the 1,000,001st is dropped; ~390 MB RSS, a 46 MB db that saves
# in about a second). max_queued_bytes 0 is "no byte limit" (the stock value, spelled out here).
max_queued_messages 1000000
max_queued_bytes 0
# max_inflight_messages is deliberately left at its stock value (20 in 2.0.11): at most 20
# unacknowledged QoS 1/2 messages out to each client (a v5 client's Receive Maximum may lower
# it), and the Receive Maximum announced to v5 clients for their own publishes.

# plain
listener $MQTT_PORT $HOST
allow_anonymous true

# TLS, server certificate only
listener $MQTT_TLS_PORT $HOST
cafile $CERTS_DIR/ca.crt
certfile $CERTS_DIR/server.crt
keyfile $CERTS_DIR/server.key
allow_anonymous true

# mutual TLS: a client certificate signed by ca.crt is required; its CN is the username
listener $MQTT_MTLS_PORT $HOST
cafile $CERTS_DIR/ca.crt
certfile $CERTS_DIR/server.crt
keyfile $CERTS_DIR/server.key
require_certificate true
use_identity_as_username true
allow_anonymous false

# username/password
listener $MQTT_AUTH_PORT $HOST
allow_anonymous false
password_file $d/passwd

# MQTT over WebSockets, plain ws:// (libwebsockets is built into Debian's mosquitto). Any request
# path is accepted (ws://$HOST:$MQTT_WS_PORT and .../mqtt alike); the client offers the "mqtt"
# subprotocol. socket_domain ipv4 is needed for the bind address to hold: without it
# libwebsockets opens an IPv6 dual-stack socket and listens on every interface.
listener $MQTT_WS_PORT $HOST
protocol websockets
socket_domain ipv4
allow_anonymous true
EOF
  mv -f "$MOSQUITTO_CONF.tmp" "$MOSQUITTO_CONF"
}

# True when the running mosquitto was started with the current mosquitto.conf.
mosquitto_conf_current() {
  [[ -s $MOSQUITTO_CONF_STAMP && -f $MOSQUITTO_CONF ]] &&
    [[ "$(cat "$MOSQUITTO_CONF_STAMP")" == "$(sha256sum <"$MOSQUITTO_CONF" | cut -d' ' -f1)" ]]
}

write_env_file() {
  cat >"$ENV_FILE.tmp" <<EOF
export TRIBUTARY_TEST_KAFKA=$HOST:$KAFKA_PORT
export TRIBUTARY_TEST_CONNECT=http://$HOST:$CONNECT_PORT
export TRIBUTARY_TEST_SR=http://$HOST:$SR_PORT/apis/ccompat/v7
export TRIBUTARY_TEST_MQTT=tcp://$HOST:$MQTT_PORT
export TRIBUTARY_TEST_MQTT_TLS=ssl://$HOST:$MQTT_TLS_PORT
export TRIBUTARY_TEST_MQTT_MTLS=ssl://$HOST:$MQTT_MTLS_PORT
export TRIBUTARY_TEST_MQTT_AUTH=tcp://$HOST:$MQTT_AUTH_PORT
export TRIBUTARY_TEST_MQTT_WS=ws://$HOST:$MQTT_WS_PORT
export TRIBUTARY_TEST_MQTT_USERNAME=$MQTT_USERNAME
export TRIBUTARY_TEST_MQTT_PASSWORD=$MQTT_PASSWORD
export TRIBUTARY_TEST_TLS_CA=$(printf '%q' "$CERTS_DIR/ca.crt")
export TRIBUTARY_TEST_TLS_CLIENT_CERT=$(printf '%q' "$CERTS_DIR/client.crt")
export TRIBUTARY_TEST_TLS_CLIENT_KEY=$(printf '%q' "$CERTS_DIR/client.key")
export TRIBUTARY_TEST_TLS_UNTRUSTED_CERT=$(printf '%q' "$CERTS_DIR/untrusted-client.crt")
export TRIBUTARY_TEST_TLS_UNTRUSTED_KEY=$(printf '%q' "$CERTS_DIR/untrusted-client.key")
export TRIBUTARY_TEST_MQTT_PIDFILE=$(printf '%q' "$(svc_pidfile mosquitto)")
export TRIBUTARY_TEST_MQTT_RESTART=$(printf '%q' "$STACK_SRC/restart-mosquitto")
export TRIBUTARY_TEST_KAFKA_PIDFILE=$(printf '%q' "$(svc_pidfile kafka)")
export TRIBUTARY_TEST_STACK_DIR=$(printf '%q' "$STACK_DIR")
EOF
  mv -f "$ENV_FILE.tmp" "$ENV_FILE"
}

# ---------------------------------------------------------------------------------------------
# Starting and readiness

JVM_SERVER_OPTS=(-Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true)

start_kafka() {
  local d="$STACK_DIR/kafka" java cp cid
  java="$(kafka_java)"
  cp="$(cat "$CLASSPATH_FILE")"
  if [[ ! -f $d/data/meta.properties ]]; then
    if [[ ! -s $d/cluster-id ]]; then
      "$java" -cp "$cp" -Dlog4j2.configurationFile="$d/tools-log4j2.properties" kafka.tools.StorageTool random-uuid \
        2>/dev/null | tail -1 | tr -dc 'A-Za-z0-9_-' >"$d/cluster-id"
      [[ -s $d/cluster-id ]] || die "could not generate a Kafka cluster id"
    fi
    cid="$(cat "$d/cluster-id")"
    log "formatting Kafka storage (cluster id $cid)"
    if ! "$java" -cp "$cp" -Dlog4j2.configurationFile="$d/tools-log4j2.properties" kafka.tools.StorageTool \
      format -t "$cid" -c "$d/server.properties" --standalone >"$d/format.log" 2>&1; then
      cat "$d/format.log" >&2
      die "kafka storage format failed"
    fi
  fi
  log "starting kafka"
  start_bg kafka "$d" "$java" "${JVM_SERVER_OPTS[@]}" -Dlog4j2.configurationFile="$d/log4j2.properties" \
    -cp "$cp" kafka.Kafka "$d/server.properties"
}

start_connect() {
  local d="$STACK_DIR/connect" java cp
  java="$(kafka_java)"
  cp="$(cat "$CLASSPATH_FILE")"
  log "starting connect"
  start_bg connect "$d" "$java" "${JVM_SERVER_OPTS[@]}" -Dlog4j2.configurationFile="$d/log4j2.properties" \
    -cp "$cp" org.apache.kafka.connect.cli.ConnectDistributed "$d/connect-distributed.properties"
}

# Mosquitto logs through stdio to stdout, which is a file here and hence block-buffered: stdbuf
# makes it line-buffered so that the log is current (stdbuf execs mosquitto: same pid).
start_mosquitto() {
  local d="$STACK_DIR/mosquitto"
  local -a cmd=("$(command -v mosquitto)" -c "$MOSQUITTO_CONF")
  [[ -f $MOSQUITTO_CONF ]] || die "$MOSQUITTO_CONF does not exist: run up first"
  if command -v stdbuf >/dev/null 2>&1; then cmd=(stdbuf -oL -eL "${cmd[@]}"); fi
  log "starting mosquitto"
  sha256sum <"$MOSQUITTO_CONF" | cut -d' ' -f1 >"$MOSQUITTO_CONF_STAMP"
  start_bg mosquitto "$d" "${cmd[@]}"
}

# Apicurio Registry 3.3.x is compiled for Java 21 (class files version 65).
APICURIO_MIN_JAVA=21
start_apicurio() {
  local d="$STACK_DIR/apicurio" java
  java="$(find_java_min "$APICURIO_MIN_JAVA")" ||
    die "Apicurio Registry $APICURIO_VERSION needs Java >= $APICURIO_MIN_JAVA and none was found (set APICURIO_JAVA=/path/to/bin/java)"
  log "starting apicurio ($java)"
  # Storage is the build's default: apicurio.storage.kind=sql with H2 in memory (fresh per start).
  start_bg apicurio "$d" "$java" -Xms128m -Xmx512m -Djava.awt.headless=true \
    -Dquarkus.http.host="$HOST" -Dquarkus.http.port="$SR_PORT" \
    -Dquarkus.management.host="$HOST" -Dquarkus.management.port="$SR_MGMT_PORT" \
    -Dapicurio.rest.deletion.group.enabled=true \
    -Dapicurio.rest.deletion.artifact.enabled=true \
    -Dapicurio.rest.deletion.artifact-version.enabled=true \
    -jar "$d/dist/quarkus-run.jar"
}

ready_kafka() {
  port_open "$KAFKA_PORT" || return 1
  local d="$STACK_DIR/kafka"
  timeout 30 "$(kafka_java)" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto \
    -Dlog4j2.configurationFile="$d/tools-log4j2.properties" -cp "$(cat "$CLASSPATH_FILE")" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$KAFKA_PORT" \
    --command-config "$d/tools.properties" --list >/dev/null 2>&1
}

ready_connect() {
  curl -fsS -m 3 "http://$HOST:$CONNECT_PORT/" 2>/dev/null | grep -q '"version"' &&
    curl -fsS -m 3 -o /dev/null "http://$HOST:$CONNECT_PORT/health" 2>/dev/null
}

ready_mosquitto() {
  local p
  for p in $(svc_ports mosquitto); do port_open "$p" || return 1; done
  timeout 5 mosquitto_pub -h "$HOST" -p "$MQTT_PORT" -q 1 -t tributary/stack/ready -m ok >/dev/null 2>&1
}

ready_apicurio() {
  curl -fsS -m 3 "http://$HOST:$SR_PORT/apis/ccompat/v7/subjects" 2>/dev/null | grep -q '^\['
}

ready_timeout() {
  case $1 in
  kafka) echo 90 ;;
  connect) echo 120 ;;
  mosquitto) echo 30 ;;
  apicurio) echo 120 ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Reporting

# Serializes up/down/status-free sections between concurrent callers (fd 9).
take_lock() {
  mkdir -p "$STACK_DIR"
  exec 9>"$STACK_DIR/.lock"
  flock -w 300 9 || die "another up/down still holds $STACK_DIR/.lock after 300 s"
}

# One line per service: state, pid, addresses. Returns 1 unless every service is running with all
# its ports open.
print_status() {
  local svc pid state p closed rc=0
  for svc in "${SERVICES[@]}"; do
    pid="$(svc_pid "$svc")"
    closed=""
    if svc_running "$svc"; then
      for p in $(svc_ports "$svc"); do port_open "$p" || closed+=" $p"; done
      state=running
      if [[ -n $closed ]]; then
        state=starting
        rc=1
      fi
    else
      state=stopped
      pid=-
      rc=1
    fi
    printf '%-10s %-8s pid %-8s %s%s\n' "$svc" "$state" "${pid:--}" "$(svc_addr "$svc")" \
      "${closed:+  [not yet listening on${closed}]}"
  done
  return "$rc"
}
