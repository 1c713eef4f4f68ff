#!/usr/bin/env bash
# As Kafka's own kafka-storage.sh: the tool kafka.tools.StorageTool on the image's jars.
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
