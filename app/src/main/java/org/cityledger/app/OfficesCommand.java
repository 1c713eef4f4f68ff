package org.cityledger.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cityledger.domain.Reference;
import org.cityledger.streams.TopicSetup;
import org.cityledger.streams.access.Office;
import org.cityledger.streams.access.OfficeRegistry;
import org.cityledger.streams.access.OfficeTokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ledger offices add|list}: the district offices' tokens, kept as hashes in the offices file. */
@Command(name = "offices", mixinStandardHelpOptions = true,
        description = {"Manage the district offices allowed to publish over HTTP (the file 'run --offices' reads).",
            "Tokens are shown once, when made; the file keeps only a salted hash of each. To revoke a",
            "token, delete its line (ids are listed by 'list') and restart the ledger."},
        subcommands = {OfficesCommand.Add.class, OfficesCommand.ListOffices.class, OfficesCommand.Acls.class})
final class OfficesCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Makes a token. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Make a new token for a district office and add its hash to the offices file.",
                "The token is printed once: give it to the office; nobody can read it back."})
    static final class Add implements Callable<Integer> {

        @Parameters(paramLabel = "DISTRICT", description = "District code (e.g. kunshan) or its GB/T 2260 code (e.g. 320583).")
        String district;

        @Option(names = "--offices", defaultValue = "offices.txt", paramLabel = "FILE",
                description = "The offices file (default: ${DEFAULT-VALUE}; created, readable by its owner only).")
        Path file;

        @Override
        public Integer call() {
            final String code = Reference.districtCode(district);
            if (!Reference.isDistrict(code)) {
                System.err.println("unknown district '" + district + "'; districts are: "
                        + String.join(", ", Reference.DISTRICTS.stream().map(Reference.Code::code).toList()));
                return 2;
            }
            final OfficeTokens.Issued issued = OfficeRegistry.add(file, code, Clock.systemUTC());
            System.out.printf(Locale.ROOT, "Token for the %s office (id %s), added to %s. It is shown only now:%n%n  %s%n%n",
                    code, issued.tokenId(), file, issued.token());
            System.out.println("Restart the ledger (run --offices " + file + ") for it to take effect.");
            return 0;
        }
    }

    /** Lists who holds tokens, never the tokens. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the offices and their token ids.")
    static final class ListOffices implements Callable<Integer> {

        @Option(names = "--offices", defaultValue = "offices.txt", paramLabel = "FILE",
                description = "The offices file (default: ${DEFAULT-VALUE}).")
        Path file;

        @Override
        public Integer call() {
            if (!Files.exists(file)) {
                System.err.println(file + " does not exist; make it with 'ledger offices add DISTRICT --offices " + file + "'");
                return 2;
            }
            for (final Office office : OfficeRegistry.load(file).offices()) {
                System.out.printf(Locale.ROOT, "%-13s %s%n", office.district(), office.tokenId());
            }
            return 0;
        }
    }

    /** Prints the kafka-acls commands a cluster of your own needs for a secured ledger. */
    @Command(name = "acls", mixinStandardHelpOptions = true,
            description = {"Print the kafka-acls commands that confine each district office to its inbox and grant the ledger",
                "its topics, group and transactional ids, for a secured cluster of your own (run them as an administrator;",
                "the ledger with --inboxes creates the inbox topics itself, but grants no ACLs). The embedded broker of",
                "'run --secure' is given the same ACLs at start."})
    static final class Acls implements Callable<Integer> {

        @Option(names = "--bootstrap-servers", defaultValue = "<bootstrap-servers>", paramLabel = "HOST:PORT",
                description = "The cluster the printed commands connect to (default: ${DEFAULT-VALUE}).")
        String bootstrapServers;

        @Option(names = "--command-config", defaultValue = "<admin.properties>", paramLabel = "FILE",
                description = "An administrator's client properties file the printed commands name (default: ${DEFAULT-VALUE}).")
        String commandConfig;

        @Option(names = "--ledger-user", defaultValue = LedgerRuntime.LEDGER_USER, paramLabel = "USER",
                description = "The principal name the ledger authenticates as (default: ${DEFAULT-VALUE}).")
        String ledgerUser;

        @Option(names = "--application-id", defaultValue = "city-ledger", paramLabel = "ID",
                description = "The ledger's Kafka Streams application id (default: ${DEFAULT-VALUE}).")
        String applicationId;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            final List<String> districts = Reference.DISTRICTS.stream().map(Reference.Code::code).toList();
            KafkaAcls.commands(TopicSetup.inboxAcls(districts, applicationId, ledgerUser), bootstrapServers, commandConfig)
                    .forEach(spec.commandLine().getOut()::println);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
