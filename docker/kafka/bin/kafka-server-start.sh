#!/usr/bin/env bash
# Licensed to the Apache Software Foundation (ASF) under the Apache License, Version 2.0.
# As Kafka's own: broker defaults for log4j and heap, then kafka.Kafka with the given properties.
if [ $# -lt 1 ]; then
  echo "USAGE: $0 [-daemon] server.properties [--override property=value]*"
  exit 1
fi
base_dir=$(dirname "$0")
if [ -z "${KAFKA_LOG4J_OPTS-}" ]; then
  export KAFKA_LOG4J_OPTS="-Dlog4j2.configurationFile=$base_dir/../config/log4j2.yaml"
fi
if [ -z "${KAFKA_HEAP_OPTS-}" ]; then
  export KAFKA_HEAP_OPTS="-Xmx1G -Xms1G"
fi
exec "$base_dir/kafka-run-class.sh" -name kafkaServer kafka.Kafka "$@"
