# The ledger node. Build after `mvn -B package -DskipTests` (it copies app/target/ledger.jar and the
# jars it names in app/target/lib):   docker build -t city-ledger:local .
# Run: docker run city-ledger:local run --bootstrap-servers k1:9092 --replication-factor 3 ...
# (the arguments are those of `java -jar app/target/ledger.jar`; see `... --help`).
ARG JRE_IMAGE=eclipse-temurin:17.0.15_6-jre
FROM ${JRE_IMAGE}

# a fixed uid, so that a state volume keeps its owner across image rebuilds
RUN useradd --system --uid 10001 --home-dir /var/lib/ledger --shell /usr/sbin/nologin ledger \
    && mkdir -p /var/lib/ledger/state \
    && chown -R ledger /var/lib/ledger
COPY app/target/lib/ /opt/ledger/lib/
COPY app/target/ledger.jar /opt/ledger/ledger.jar
COPY docker/ledger/ledger docker/ledger/healthcheck /usr/local/bin/

USER ledger
WORKDIR /var/lib/ledger
# the node's RocksDB stores and checkpoints; rebuilt from Kafka if lost, but a kept volume restarts faster
VOLUME ["/var/lib/ledger/state"]
EXPOSE 8080
# healthy = the API answers complete totals (503 while the node starts or rebalances)
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 CMD ["healthcheck"]
ENTRYPOINT ["ledger"]
CMD ["--help"]
