#!/usr/bin/env bash
# Server CPU per decided event with one server and with two: broker, core, servers and driver as separate JVMs.
# Run from anywhere after `mvn -B -q package -DskipTests`. Usage: decisions-two-servers.sh <servers:1|2> <total rate> <seconds>
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-2}; RATE=${2:-20000}; SECS=${3:-20}
W=$(mktemp -d /tmp/twosrv.XXXX)
J=stress/target/ledger-stress.jar
java -Xmx2g -cp $J dev.ledger.devkafka.EmbeddedKafkaMain > $W/broker.log 2>&1 &
BPID=$!
for i in $(seq 1 120); do grep -q BOOTSTRAP= $W/broker.log && break; sleep 0.5; done
BS=$(grep -o 'BOOTSTRAP=[^ ]*' $W/broker.log | head -1 | cut -d= -f2)
PIDS=()
TARGETS=""
for s in $(seq 1 $N); do
  ID=srv-$s; PORT=$((17070 + s))
  java -Xmx1g -jar server/target/ledger-server.jar --bootstrap-servers $BS --bind-address 127.0.0.1 --port $PORT \
     --server-id $ID --allow-weak-durability --topic-partitions 3 --admin-port $((19464 + s)) > $W/server-$s.log 2>&1 &
  PIDS+=($!); TARGETS="$TARGETS,127.0.0.1:$PORT"
done
sleep 6
java -Xmx2g -jar core/target/ledger-core.jar --bootstrap-servers $BS --replication-factor 1 --decisions-partitions 3 --admin-port 0 > $W/core.log 2>&1 &
CPID=$!
for i in $(seq 1 120); do grep -q "active: deciding" $W/core.log && break; sleep 0.5; done
sleep 2
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
java -jar $J run --target ${TARGETS#,} --connections 4 --rate $RATE --duration 5s --await-decision --accounts 1000 --request-timeout 60s > $W/warm.log 2>&1 || true
declare -A C0; for p in "${PIDS[@]}"; do C0[$p]=$(cpu $p); done
java -jar $J run --target ${TARGETS#,} --connections 4 --rate $RATE --duration ${SECS}s --await-decision --no-setup --accounts 1000 > $W/run.log 2>&1 || true
TICK=$(getconf CLK_TCK)
grep -E "^sent|^acked|throughput|latency|decision:" $W/run.log
EVENTS=$(grep -E "^acked" $W/run.log | awk '{print $2}')
for p in "${PIDS[@]}"; do
  D=$(( $(cpu $p) - ${C0[$p]} )); echo "server pid $p cpu $(echo "scale=2; $D/$TICK" | bc) s, us/event (its share) $(echo "scale=2; $D*1000000/$TICK/($EVENTS/$N)" | bc)"
done
for p in "${PIDS[@]}"; do kill $p; done; sleep 3
grep -h "decision reader" $W/server-*.log || true
kill $CPID $BPID 2>/dev/null || true
echo "logs: $W"
