package org.cityledger.streams.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.topology.LedgerTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetiredStoresTest {

    private static final Set<String> CURRENT = Set.of(LedgerTopology.EVENT_INDEX_STORE, LedgerTopology.AUDIT_STORE);

    @TempDir
    Path app;

    private Path store(final String task, final String name) throws IOException {
        final Path dir = Files.createDirectories(app.resolve(task).resolve("rocksdb").resolve(name));
        Files.write(dir.resolve("000001.sst"), new byte[4096]);
        return dir;
    }

    @Test
    void shouldRemoveEveryTasksStoreTheTopologyNoLongerNames() throws IOException {
        final Path retired0 = store("0_0", "ledger-event-times");
        final Path retired1 = store("0_1", "ledger-event-times");

        final List<RetiredStores.Removed> removed = RetiredStores.remove(app, CURRENT);

        assertThat(removed).extracting(RetiredStores.Removed::dir).containsExactly(retired0, retired1);
        assertThat(removed).extracting(RetiredStores.Removed::bytes).containsOnly(4096L);
        assertThat(retired0).doesNotExist();
        assertThat(retired1).doesNotExist();
    }

    @Test
    void shouldKeepTheStoresTheTopologyNames() throws IOException {
        final Path index = store("0_0", LedgerTopology.EVENT_INDEX_STORE);
        final Path audit = store("0_0", LedgerTopology.AUDIT_STORE);
        store("0_0", "ledger-event-times");

        RetiredStores.remove(app, CURRENT);

        assertThat(index.resolve("000001.sst")).exists();
        assertThat(audit.resolve("000001.sst")).exists();
    }

    @Test
    void shouldLeaveWhatIsNotAStoreDirectoryAlone() throws IOException {
        final Path checkpoint = Files.write(Files.createDirectories(app.resolve("0_0")).resolve(".checkpoint"), new byte[8]);
        final Path fileInRocksDb = Files.write(Files.createDirectories(app.resolve("0_1").resolve("rocksdb")).resolve("note"),
                new byte[8]);
        final Path otherDir = Files.createDirectories(app.resolve("0_2").resolve("other-state").resolve("x"));

        final List<RetiredStores.Removed> removed = RetiredStores.remove(app, CURRENT);

        assertThat(removed).isEmpty();
        assertThat(checkpoint).exists();
        assertThat(fileInRocksDb).exists();
        assertThat(otherDir).exists();
    }

    @Test
    void shouldRemoveNothingWhenTheApplicationHasNoStateYet() {
        assertThat(RetiredStores.remove(app.resolve("never-ran"), CURRENT)).isEmpty();
    }

    @Test
    void shouldRemoveNothingForATopologyWithoutStores() throws IOException {
        final Path store = store("0_0", LedgerTopology.AUDIT_STORE);

        assertThat(RetiredStores.remove(app, Set.of())).isEmpty();
        assertThat(store).exists();
    }

    @Test
    void shouldNameEveryStoreOfTheLedgersTopology(@TempDir final Path state) {
        final Set<String> named = RetiredStores.namedBy(
                LedgerTopology.build(LedgerConfig.defaults("localhost:9092", state), new CommitGate()).describe());

        assertThat(named).containsExactlyInAnyOrder(LedgerTopology.EVENT_INDEX_STORE, LedgerTopology.AUDIT_STORE,
                LedgerTopology.TOTALS_STORE, LedgerTopology.DEAD_LETTER_STORE);
    }
}
