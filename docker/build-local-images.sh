#!/usr/bin/env bash
# TEST FIXTURE, for machines that cannot reach an image registry (this project's development
# machines and CI). On a normal machine do not run it: `docker-compose up` and the Testcontainers
# tests pull the real images (eclipse-temurin, apache/kafka, alpine) by the same tags.
#
# It builds, from Debian packages and Maven Central only, local images carrying the exact tags the
# Dockerfile, docker-compose.yml and the container tests name:
#   city-ledger/debian-base:bookworm  debootstrap --variant=minbase, then `docker import`
#   $JRE_TAG                          that base + Debian's openjdk-17-jre-headless
#   apache/kafka:$KAFKA_VERSION       that JRE + the kafka_2.13 jars and the official image's scripts
#                                     (KAFKA_* variables, /etc/kafka/docker/run → KafkaDockerWrapper)
#   alpine:3.17                       the base under the tag Testcontainers runs its checks in
#
# Cached: every image carries a label with the hash of its inputs, and is skipped when the image
# under its tag has that label; the debootstrap tarball and the Kafka jars are kept in $CACHE_DIR.
# A second run does nothing but check the labels.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE_DIR=${CITY_LEDGER_IMAGE_CACHE:-/var/cache/city-ledger-images}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
# The Dockerfile's FROM line names the JRE; the stand-in carries that tag (its JRE is Debian's 17).
JRE_TAG=$(sed -n 's/^ARG JRE_IMAGE=//p' Dockerfile)
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml | head -1)
LOG4J_VERSION=$(sed -n 's:.*<log4j.version>\(.*\)</log4j.version>.*:\1:p' pom.xml | head -1)
BASE_TAG=city-ledger/debian-base:$SUITE
KAFKA_TAG=apache/kafka:$KAFKA_VERSION
ALPINE_TAG=alpine:3.17
LABEL=org.cityledger.fixture.inputs

[ -n "$JRE_TAG" ] && [ -n "$KAFKA_VERSION" ] || { echo "cannot read the JRE tag from Dockerfile or kafka.version from pom.xml" >&2; exit 1; }
mkdir -p "$CACHE_DIR"
started=$(date +%s)
say() { echo "[build-local-images $(( $(date +%s) - started ))s] $*"; }

# hash of a list of strings and files (their names and contents)
inputs_hash() {
  { for input in "$@"; do
      if [ -d "$input" ]; then find "$input" -type f | LC_ALL=C sort | while read -r f; do echo "$f"; cat "$f"; done
      elif [ -f "$input" ]; then echo "$input"; cat "$input"
      else echo "$input"; fi
    done; } | sha256sum | cut -c1-16
}

# true when the image under tag $1 carries input hash $2
is_current() {
  [ "$(docker image inspect -f "{{index .Config.Labels \"$LABEL\"}}" "$1" 2>/dev/null || true)" = "$2" ]
}

# --- base: debootstrap once into a cached tarball, import it -----------------------------------
base_hash=$(inputs_hash "debootstrap --variant=minbase $SUITE $MIRROR v1")
rootfs_tar=$CACHE_DIR/debian-$SUITE-minbase-$base_hash.tar
if is_current "$BASE_TAG" "$base_hash"; then
  say "$BASE_TAG is current"
else
  if [ ! -s "$rootfs_tar" ]; then
    command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
    rootfs=$(mktemp -d "$CACHE_DIR/rootfs.XXXXXX")
    say "debootstrap $SUITE (minbase) into $rootfs"
    debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$CACHE_DIR/debootstrap.log" 2>&1 \
      || { tail -20 "$CACHE_DIR/debootstrap.log" >&2; exit 1; }
    # the image needs no package lists or caches; apt-get update fetches them when a layer installs
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/tmp/*
    tar -C "$rootfs" -cf "$rootfs_tar.part" . && mv "$rootfs_tar.part" "$rootfs_tar"
    rm -rf "$rootfs"
  fi
  say "docker import $rootfs_tar as $BASE_TAG"
  docker import --change "LABEL $LABEL=$base_hash" --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' \
    "$rootfs_tar" "$BASE_TAG" >/dev/null
fi

# --- alpine:3.17 stand-in: Testcontainers only runs sh/df-style checks in it ---------------------
if is_current "$ALPINE_TAG" "$base_hash"; then
  say "$ALPINE_TAG is current"
else
  docker tag "$BASE_TAG" "$ALPINE_TAG"
  say "tagged $BASE_TAG as $ALPINE_TAG"
fi

# --- JRE ------------------------------------------------------------------------------------------
jre_dockerfile=$(cat <<EOF
FROM $BASE_TAG
RUN set -eux; apt-get update -q; \\
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jre-headless; \\
    rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb; \\
    mkdir -p /opt/java; ln -s "\$(dirname "\$(dirname "\$(readlink -f /usr/bin/java)")")" /opt/java/openjdk
# as in the eclipse-temurin images
ENV JAVA_HOME=/opt/java/openjdk LANG=C.UTF-8
EOF
)
jre_hash=$(inputs_hash "$base_hash" "$jre_dockerfile")
if is_current "$JRE_TAG" "$jre_hash"; then
  say "$JRE_TAG is current"
else
  say "building $JRE_TAG (Debian openjdk-17-jre-headless)"
  printf '%s\nLABEL %s=%s\n' "$jre_dockerfile" "$LABEL" "$jre_hash" | docker build -q -t "$JRE_TAG" - >/dev/null
fi

# --- Kafka ------------------------------------------------------------------------------------------
kafka_hash=$(inputs_hash "$jre_hash" "$KAFKA_VERSION" "$LOG4J_VERSION" docker/kafka)
if is_current "$KAFKA_TAG" "$kafka_hash"; then
  say "$KAFKA_TAG is current"
else
  libs=$CACHE_DIR/kafka-libs-$KAFKA_VERSION-$LOG4J_VERSION
  if [ ! -d "$libs" ]; then
    say "copying kafka_2.13 $KAFKA_VERSION and its runtime jars from Maven Central"
    mvn -B -q -f docker/kafka/pom.xml -Dkafka.version="$KAFKA_VERSION" -Dlog4j.version="$LOG4J_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs.part"
    mv "$libs.part" "$libs"
  fi
  context=$(mktemp -d)
  trap 'rm -rf "$context"' EXIT
  cp -r docker/kafka/Dockerfile docker/kafka/bin docker/kafka/config docker/kafka/scripts "$context"/
  cp -r "$libs" "$context/libs"
  printf 'LABEL %s=%s\n' "$LABEL" "$kafka_hash" >>"$context/Dockerfile"
  say "building $KAFKA_TAG"
  docker build -q --build-arg JRE_IMAGE="$JRE_TAG" -t "$KAFKA_TAG" "$context" >/dev/null
fi

say "done: $BASE_TAG, $ALPINE_TAG, $JRE_TAG, $KAFKA_TAG"
