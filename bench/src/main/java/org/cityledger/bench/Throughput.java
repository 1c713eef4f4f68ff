package org.cityledger.bench;

/** Records (and their payload bytes) moved in a time. */
record Throughput(long records, long bytes, double seconds) {

    double recordsPerSecond() {
        return records / seconds;
    }

    double bytesPerSecond() {
        return bytes / seconds;
    }
}
