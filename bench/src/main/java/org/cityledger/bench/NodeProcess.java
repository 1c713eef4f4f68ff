package org.cityledger.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.cityledger.schema.KafkaConnection;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.LedgerNode;
import org.cityledger.streams.peer.WireJson;
import org.cityledger.streams.query.Ask;
import org.cityledger.streams.query.QueryUnavailableException;
import org.cityledger.streams.totals.Totals;

/**
 * A ledger node in a JVM of its own, driven by the harness over the child's standard input and
 * output: the replay (stage 7) runs there, so that its resident set is the node's alone, not the
 * broker's, the producers' and the pre-encoded records' as well, and its JIT starts cold as a real
 * node's does.
 *
 * <p>The child ({@link #main}) starts a {@link LedgerNode} as {@code ledger run} does and answers
 * one line per request, each answer a line starting with {@value #ANSWER} (Kafka's logging goes to
 * stderr, which the harness sends to a file): {@code figures <records>} gives CPU and Streams
 * metrics since the start, {@code summary} the city-wide totals, {@code stop} closes the node and
 * exits. The end of its input stops it too, so a harness that dies leaves no node behind.
 *
 * <p>The child's resident set, now and at its peak, is the kernel's ({@code VmRSS} and {@code VmHWM}
 * of {@code /proc/<pid>/status}): no sampling, so no peak is missed between samples.
 */
final class NodeProcess implements AutoCloseable {

    static final String ANSWER = "node> ";
    private static final String UNAVAILABLE = "unavailable";
    private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);
    /** Exact decimals on the pipe, as the ledger's own peers send them. */
    private static final ObjectMapper MAPPER = WireJson.mapperCopy();

    private final Process process;
    private final BufferedWriter requests;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Path log;

    private NodeProcess(final Process process, final Path log) {
        this.process = process;
        this.log = log;
        this.requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        final Thread reader = new Thread(this::readAnswers, "bench-node-answers");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a node in a child JVM of this one's {@code java} and class path.
     *
     * @param jvmOptions options of the child JVM (its heap bound, for one)
     * @param log        where the child's stderr (its logging) goes
     */
    static NodeProcess start(final List<String> jvmOptions, final KafkaConnection kafka, final String applicationId,
                             final Path stateDir, final long rocksDbMemoryBytes, final Path log) {
        final String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs the harness"));
        final List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(NodeProcess.class.getName());
        command.add("bootstrap=" + kafka.bootstrapServers());
        command.add("applicationId=" + applicationId);
        command.add("stateDir=" + stateDir);
        command.add("rocksDbMemoryBytes=" + rocksDbMemoryBytes);
        kafka.properties().forEach((key, value) -> command.add("kafka." + key + "=" + value));
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            final Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
                    .start();
            return new NodeProcess(process, log);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start a ledger node in a JVM of its own: " + e.getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Null while the child runs; else how it ended, with where its log is. */
    String stopped() {
        return process.isAlive() ? null : "the node's JVM exited with code " + process.exitValue() + " (log: " + log + ")";
    }

    /** The child's resident set now, in bytes; -1 once it has exited or where there is no /proc. */
    long rss() {
        return MemorySampler.statusBytes(status(), "VmRSS:");
    }

    /** The child's largest resident set since it started, in bytes; -1 once it has exited or where there is no /proc. */
    long peakRss() {
        return MemorySampler.statusBytes(status(), "VmHWM:");
    }

    private Path status() {
        return Path.of("/proc", Long.toString(process.pid()), "status");
    }

    /** What the child reports of itself once caught up. */
    record Figures(Map<String, Object> cpu, Map<String, Object> streamThread, long heapLiveBytes, long heapMaxBytes) {
    }

    /**
     * CPU since the child started per record ({@link CpuUsage#stop}), its stream threads' Streams
     * metrics, and its heap after a full collection.
     */
    Figures figures(final long records) {
        return read(ask("figures " + records), new TypeReference<Figures>() { });
    }

    /**
     * The node's city-wide totals.
     *
     * @throws QueryUnavailableException while the node cannot answer yet
     */
    Totals summary() {
        final String answer = ask("summary");
        if (answer.startsWith(UNAVAILABLE)) {
            throw new QueryUnavailableException(answer);
        }
        return read(answer, new TypeReference<Totals>() { });
    }

    private String ask(final String request) {
        final String stopped = stopped();
        if (stopped != null) {
            throw new IllegalStateException(stopped);
        }
        try {
            requests.write(request);
            requests.newLine();
            requests.flush();
            final String answer = answers.poll(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (answer == null) {
                throw new IllegalStateException("the node in its own JVM did not answer '" + request + "' in "
                        + ANSWER_TIMEOUT + " (log: " + log + ")");
            }
            return answer;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot ask the node in its own JVM: " + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the node", e);
        }
    }

    private void readAnswers() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith(ANSWER)) {
                    answers.add(line.substring(ANSWER.length()));
                }
            }
        } catch (final IOException e) {
            // the child is gone; stopped() says how
        }
    }

    private static <T> T read(final String json, final TypeReference<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("the node answered what is not JSON of its kind: " + json, e);
        }
    }

    private static String write(final Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Closes the node (it commits and marks its state clean) and waits for its JVM to exit. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                requests.write("stop");
                requests.newLine();
                requests.close();
            }
        } catch (final IOException e) {
            // the child is already gone
        }
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    // ---------------------------------------------------------------- the child

    /** The child JVM: {@code key=value} arguments as {@link #start} writes them. */
    public static void main(final String[] args) throws IOException {
        final Map<String, String> options = new LinkedHashMap<>();
        final Map<String, String> kafkaProperties = new LinkedHashMap<>();
        for (final String arg : args) {
            final int equals = arg.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
            }
            final String key = arg.substring(0, equals);
            if (key.startsWith("kafka.")) {
                kafkaProperties.put(key.substring("kafka.".length()), arg.substring(equals + 1));
            } else {
                options.put(key, arg.substring(equals + 1));
            }
        }
        final LedgerConfig config = LedgerConfig.defaults(required(options, "bootstrap"), Path.of(required(options, "stateDir")))
                .withKafka(new KafkaConnection(required(options, "bootstrap"), kafkaProperties))
                .withApplicationId(required(options, "applicationId"))
                .withRocksDbMemoryBytes(Long.parseLong(required(options, "rocksDbMemoryBytes")))
                .withHttpPort(0);
        final CpuUsage cpu = CpuUsage.start(config.applicationId());
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (LedgerNode node = new LedgerNode(config).start()) {
            String request;
            while ((request = in.readLine()) != null && !"stop".equals(request)) {
                System.out.println(ANSWER + answer(node, cpu, request));
                System.out.flush();
            }
        }
    }

    private static String answer(final LedgerNode node, final CpuUsage cpu, final String request) {
        if ("summary".equals(request)) {
            try {
                return write(node.totals().summary(Ask.NOW).value().totals());
            } catch (final QueryUnavailableException e) {
                return UNAVAILABLE + ": " + e.getMessage();
            }
        }
        if (request.startsWith("figures ")) {
            final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            final Map<String, Object> used = cpu.stop(Long.parseLong(request.substring("figures ".length())));
            memory.gc();
            return write(new Figures(used, StreamsMetrics.of(node.streams()), memory.getHeapMemoryUsage().getUsed(),
                    memory.getHeapMemoryUsage().getMax()));
        }
        throw new IllegalArgumentException("unknown request '" + request + "'");
    }

    private static String required(final Map<String, String> options, final String key) {
        final String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing " + key + "=...");
        }
        return value;
    }
}
