package org.cityledger.app;

import picocli.CommandLine.Command;

/** Top level: the subcommands, and help when none is given. */
@Command(
        name = "ledger",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "City investment ledger on Apache Kafka: district offices publish contract signings,",
            "groundbreakings and funding as Avro events; the ledger keeps exact running totals per",
            "district and sector and serves them over HTTP.",
            "",
            "Without --bootstrap-servers, 'run' and 'demo' start an embedded single-node Kafka broker",
            "in this process (on --broker-port, default 9092), so nothing else needs to be installed."
        },
        subcommands = {RunCommand.class, DemoCommand.class, PublishCommand.class, PublishDemoCommand.class, OfficesCommand.class, AuditCommand.class},
        footer = {"", "Examples:",
            "  ledger demo                                  embedded broker + ledger + conference data",
            "  ledger run --bootstrap-servers k1:9092       join an existing cluster",
            "  ledger publish offices/kunshan.jsonl         publish a file of events (JSON lines) straight to Kafka",
            "  ledger publish --api http://ledger:8080 --token-file kunshan.token kunshan.csv",
            "                                               publish a CSV file through the API, as the Kunshan office",
            "  ledger publish-demo --bootstrap-servers k1:9092 --await http://ledger-1:8080",
            "                                               publish the conference data set to a cluster's ledger",
            "  ledger offices add kunshan --offices offices.txt   make a token for the Kunshan office"})
final class LedgerCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
