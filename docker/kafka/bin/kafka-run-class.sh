#!/usr/bin/env bash
# Licensed to the Apache Software Foundation (ASF) under the Apache License, Version 2.0.
# A shortened kafka-run-class.sh for the city ledger's local stand-in image: the same environment
# variables as Kafka's own (KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_JMX_OPTS, JMX_PORT,
# KAFKA_LOG4J_OPTS, KAFKA_OPTS, JAVA_HOME), the jars of /opt/kafka/libs, no daemon/GC-log modes.
set -euo pipefail
base_dir=$(dirname "$0")/..
if [ $# -lt 1 ]; then
  echo "USAGE: $0 [-daemon] [-name servicename] [-loggc] classname [opts]"
  exit 1
fi
# the start scripts pass these; the stand-in always runs in the foreground and logs to stdout
while [ $# -gt 0 ]; do
  case $1 in
    -name) shift 2 ;;
    -loggc|-daemon) shift ;;
    *) break ;;
  esac
done
if [ -n "${JMX_PORT-}" ] && [[ "${KAFKA_JMX_OPTS-}" != *"jmxremote.port"* ]]; then
  KAFKA_JMX_OPTS="${KAFKA_JMX_OPTS-} -Dcom.sun.management.jmxremote.port=$JMX_PORT"
fi
if [ -z "${KAFKA_LOG4J_OPTS-}" ]; then
  KAFKA_LOG4J_OPTS="-Dlog4j2.configurationFile=$base_dir/config/tools-log4j2.yaml"
fi
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx256M}
KAFKA_JVM_PERFORMANCE_OPTS=${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
# word splitting of the *_OPTS variables is intended, as in Kafka's script
# shellcheck disable=SC2086
exec "$JAVA" $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS ${KAFKA_JMX_OPTS-} $KAFKA_LOG4J_OPTS ${KAFKA_OPTS-} \
  -cp "$base_dir/libs/*" "$@"
