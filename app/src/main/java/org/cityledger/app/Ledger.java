package org.cityledger.app;

import picocli.CommandLine;

/** The {@code ledger} command. The only place in the code base that exits the JVM. */
public final class Ledger {

    private Ledger() {
    }

    public static void main(final String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new LedgerCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                // the descriptions are laid out for 100 columns; a wider terminal gets its width
                .setUsageHelpWidth(100)
                .setUsageHelpAutoWidth(true);
    }
}
