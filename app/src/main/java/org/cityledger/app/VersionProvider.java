package org.cityledger.app;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, so --version cannot drift from the build. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        final String version = Ledger.class.getPackage().getImplementationVersion();
        return new String[] {"ledger " + (version == null ? "(development build)" : version)};
    }
}
