package org.cityledger.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one run does, resolved from the command line ({@code --quick} applied, explicit options winning).
 *
 * @param bootstrapServers null for a fresh embedded broker
 * @param kafkaConfig      client properties (security) for every client of the run ({@code --kafka-config}); null: none
 * @param events           records of the main data set (stages 1-4)
 * @param replayEvents     records in the history the replay rebuilds from (stage 7)
 * @param replayJvm        options of the replay node's own JVM (stage 7): its heap bound, and what a profile needs
 * @param rates            offered rates of the latency stage, records per second
 * @param latencySeconds   how long each rate is offered
 * @param querySeconds     how long each query case is measured (after a warm-up)
 * @param queryWarmUpSeconds warm-up before each query case is measured
 * @param queryClients     concurrent HTTP clients
 * @param seed             makes the data; the same seed, the same bytes
 * @param projects         distinct projects (keys) in the data
 * @param partitions       partitions of the events topic when the harness creates it
 * @param json             where the JSON result goes
 * @param workDir          where the embedded broker's log and the Streams state dirs go
 * @param resetTopics      delete the ledger's topics first (external cluster only)
 * @param skip             stages not to run
 * @param offices          sizes of the stages of the offices' and the auditors' side (9-12)
 * @param quick            the CI sizes
 * @param commandLine      the arguments as given, for the record
 */
record BenchSettings(
        String bootstrapServers,
        Path kafkaConfig,
        int events,
        long replayEvents,
        List<String> replayJvm,
        List<Integer> rates,
        int latencySeconds,
        int querySeconds,
        double queryWarmUpSeconds,
        int queryClients,
        long seed,
        int projects,
        int partitions,
        Path json,
        Path workDir,
        boolean resetTopics,
        Set<Stage> skip,
        Offices offices,
        boolean quick,
        List<String> commandLine) {

    /**
     * Sizes of the stages 9-12.
     *
     * @param auditEvents        records the history holds at least when the audit pages are asked (topped up to it)
     * @param reconcileSizes     history sizes reconciled, ascending; a size below the history as it stands is
     *                           measured at the history's size
     * @param ingestEvents       events each HTTP ingest case may send at most (the pool drawn before its clock starts)
     * @param ingestSeconds      how long each HTTP ingest case sends, at most (after its warm-up)
     * @param ingestWarmUpSeconds sending before each HTTP ingest case is measured
     * @param fileEvents         lines of each file published (once through the API, once straight to Kafka)
     */
    record Offices(long auditEvents, List<Long> reconcileSizes, int ingestEvents, int ingestSeconds,
                   double ingestWarmUpSeconds, int fileEvents) {

        Offices {
            reconcileSizes = reconcileSizes.stream().sorted().distinct().toList();
        }

        Map<String, Object> toJson() {
            final Map<String, Object> json = new LinkedHashMap<>();
            json.put("auditEvents", auditEvents);
            json.put("reconcileSizes", reconcileSizes);
            json.put("ingestEvents", ingestEvents);
            json.put("ingestSeconds", ingestSeconds);
            json.put("ingestWarmUpSeconds", ingestWarmUpSeconds);
            json.put("fileEvents", fileEvents);
            return json;
        }
    }

    boolean runs(final Stage stage) {
        return !skip.contains(stage);
    }

    boolean embedded() {
        return bootstrapServers == null;
    }

    Map<String, Object> toJson() {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("broker", embedded() ? "embedded" : bootstrapServers);
        json.put("events", events);
        json.put("replayEvents", replayEvents);
        json.put("replayJvm", replayJvm);
        json.put("rates", rates);
        json.put("latencySeconds", latencySeconds);
        json.put("querySeconds", querySeconds);
        json.put("queryWarmUpSeconds", queryWarmUpSeconds);
        json.put("queryClients", queryClients);
        json.put("seed", seed);
        json.put("projects", projects);
        json.put("partitions", partitions);
        json.put("quick", quick);
        json.put("skip", skip.stream().map(Stage::key).toList());
        json.put("offices", offices.toJson());
        return json;
    }
}
