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
 * @param quick            the CI sizes
 * @param commandLine      the arguments as given, for the record
 */
record BenchSettings(
        String bootstrapServers,
        Path kafkaConfig,
        int events,
        long replayEvents,
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
        boolean quick,
        List<String> commandLine) {

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
        return json;
    }
}
