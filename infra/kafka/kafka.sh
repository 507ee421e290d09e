#!/usr/bin/env bash
# Provisions, starts and stops a single-node Apache Kafka broker in KRaft mode.
#   infra/kafka/kafka.sh provision | start | stop | status
# Jars come from Maven Central (see pom.xml) into $WINK_CACHE_DIR/kafka/libs, which git ignores.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${WINK_CACHE_DIR:-$root/.cache}/kafka"
libs="$cache/libs"
data="$cache/data"
logs="$cache/logs"
pidfile="$cache/broker.pid"
host="${KAFKA_HOST:-127.0.0.1}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
start_timeout="${KAFKA_START_TIMEOUT_S:-90}"

log() { echo "[kafka] $*" >&2; }

answers() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }

provision() {
  if [ -f "$libs/.complete" ]; then return 0; fi
  command -v java >/dev/null || { log "java 17 is required"; exit 1; }
  command -v mvn >/dev/null || { log "maven is required"; exit 1; }
  log "resolving Kafka from Maven Central into $libs"
  mkdir -p "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs" >&2
  touch "$libs/.complete"
}

write_config() {
  mkdir -p "$data" "$logs"
  cat >"$cache/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$host:$controller_port
listeners=PLAINTEXT://$host:$port,CONTROLLER://$host:$controller_port
advertised.listeners=PLAINTEXT://$host:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data
num.partitions=${KAFKA_PARTITIONS:-6}
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=${KAFKA_OFFSETS_PARTITIONS:-6}
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
default.replication.factor=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
PROPS
}

start() {
  if answers; then log "broker already answers on $host:$port; reusing it"; return 0; fi
  provision
  write_config
  if [ ! -f "$data/meta.properties" ]; then
    local cluster_id
    cluster_id="$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid)"
    java -cp "$libs/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$cache/server.properties" >&2
  fi
  log "starting broker on $host:$port"
  # The JVM's defaults on purpose: on a 2-core machine, SerialGC, kafka-run-class.sh's G1 flags
  # (-Xms1g, MaxGCPauseMillis=20, IHOP 35) and num.network/io/background.threads of 1/2/2 were
  # all within the noise of bench:profile's broker row (GC is ~3% of its CPU). The broker's CPU
  # goes per request, so fewer requests (commit cadence, fetch holds) is what lowers it.
  nohup java -Xms256m -Xmx1g -Dlog4j.configuration="file:$here/log4j.properties" \
    -Dkafka.logs.dir="$logs" -cp "$libs/*" kafka.Kafka "$cache/server.properties" \
    >"$logs/broker.out" 2>&1 &
  echo $! >"$pidfile"
  local waited=0
  until answers; do
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      log "broker exited; last lines of $logs/broker.out:"; tail -20 "$logs/broker.out" >&2; exit 1
    fi
    if [ "$waited" -ge "$start_timeout" ]; then log "broker did not answer in ${start_timeout}s"; exit 1; fi
    sleep 1; waited=$((waited + 1))
  done
  log "broker answers on $host:$port (pid $(cat "$pidfile"))"
}

stop() {
  if [ ! -f "$pidfile" ]; then log "no broker started from $cache"; return 0; fi
  local pid; pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping broker (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { log "broker did not stop in 30s; killing"; kill -9 "$pid"; }
  fi
  rm -f "$pidfile"
}

status() { if answers; then echo "up $host:$port"; else echo "down $host:$port"; return 1; fi; }

case "${1:-}" in
  provision) provision ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 provision|start|stop|status" >&2; exit 2 ;;
esac
