#!/bin/bash
# Starts the project's ActiveMQ broker (Debian package `activemq`) in the background with
# api/abis/activemq/activemq.xml: STOMP on 127.0.0.1:${ABIS_STOMP_PORT:-61613}, persistent data
# in $1 (default ./.activemq-data). Prints the broker's pid on stdout and waits until the STOMP
# port accepts connections (at most 60 s). Stop it with: kill <pid>.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${1:-.activemq-data}
PORT=${ABIS_STOMP_PORT:-61613}
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
HOME_DIR=/usr/share/activemq
[ -f "$HOME_DIR/bin/activemq.jar" ] || { echo "activemq is not installed (apt-get install -y --no-install-recommends activemq)" >&2; exit 1; }
java -Xms64m -Xmx256m \
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED \
  --add-opens java.base/java.util.concurrent=ALL-UNNAMED --add-opens java.base/java.net=ALL-UNNAMED \
  -Dactivemq.home=$HOME_DIR -Dactivemq.base="$DATA" -Dactivemq.conf="$HERE" -Dactivemq.data="$DATA" \
  -Dactivemq.classpath=$HOME_DIR/lib/ -Dabis.stomp.port="$PORT" \
  -jar $HOME_DIR/bin/activemq.jar start "xbean:file:$HERE/activemq.xml" > "$DATA/broker.log" 2>&1 &
PID=$!
i=0
while ! (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 600 ] || ! kill -0 $PID 2>/dev/null; then echo "broker did not start; see $DATA/broker.log" >&2; kill $PID 2>/dev/null || true; exit 1; fi
  sleep 0.1
done
echo $PID
