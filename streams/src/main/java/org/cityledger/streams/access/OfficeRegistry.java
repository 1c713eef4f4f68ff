package org.cityledger.streams.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.cityledger.domain.Reference;

/**
 * The district offices allowed to publish, and the hashes of their tokens, from the file given with
 * {@code --offices}. The file is plain text, one token per line, so an operator can read, diff and
 * revoke (delete a line) with any editor:
 *
 * <pre>
 * # district   token-id   hash                         added
 * kunshan      q3xk9a2m   sha256$&lt;salt&gt;$&lt;digest&gt;   2026-12-01T08:00:00Z
 * </pre>
 *
 * An office may hold several tokens (to rotate them). Tokens themselves are never stored, logged
 * or echoed; see {@link OfficeTokens}. Immutable once loaded: restart the node to take new lines.
 */
public final class OfficeRegistry {

    static final String HEADER = "# City ledger office tokens, one per line: district, token id, hash of the secret, when added.\n"
            + "# Made by 'ledger offices add DISTRICT'. Delete a line to revoke that token (then restart the ledger).\n";

    /** No office may publish: a ledger started without {@code --offices}. */
    public static final OfficeRegistry NONE = new OfficeRegistry(Map.of());

    private final Map<String, Entry> byTokenId;

    private record Entry(String district, String hash) {
    }

    private OfficeRegistry(final Map<String, Entry> byTokenId) {
        this.byTokenId = Collections.unmodifiableMap(byTokenId);
    }

    /**
     * Reads the file.
     *
     * @throws IllegalArgumentException naming the line and what is wrong with it
     */
    public static OfficeRegistry load(final Path file) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the offices file " + file + ": " + e.getMessage(), e);
        }
        final Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            final String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final String[] fields = line.split("\\s+");
            final String where = file + " line " + (i + 1) + ": ";
            if (fields.length < 3) {
                throw new IllegalArgumentException(where + "expected 'district token-id hash', got " + fields.length + " field(s)");
            }
            if (!Reference.isDistrict(fields[0])) {
                throw new IllegalArgumentException(where + "unknown district '" + fields[0] + "'");
            }
            if (!OfficeTokens.isHash(fields[2])) {
                throw new IllegalArgumentException(where + "the hash is not of the form sha256$<salt>$<digest>");
            }
            if (entries.putIfAbsent(fields[1], new Entry(fields[0], fields[2])) != null) {
                throw new IllegalArgumentException(where + "token id '" + fields[1] + "' appears twice");
            }
        }
        return new OfficeRegistry(entries);
    }

    /** The office a bearer token belongs to; empty for anything else (unknown, revoked, malformed). */
    public Optional<Office> authenticate(final String token) {
        if (token == null) {
            return Optional.empty();
        }
        final String id = OfficeTokens.idOf(token);
        final Entry entry = id == null ? null : byTokenId.get(id);
        if (entry == null || !OfficeTokens.matches(OfficeTokens.secretOf(token), entry.hash())) {
            return Optional.empty();
        }
        return Optional.of(new Office(entry.district(), id));
    }

    public boolean isEmpty() {
        return byTokenId.isEmpty();
    }

    /** The offices and their token ids, for {@code ledger offices list}: no secrets, no hashes. */
    public List<Office> offices() {
        final List<Office> offices = new ArrayList<>();
        byTokenId.forEach((id, entry) -> offices.add(new Office(entry.district(), id)));
        return offices;
    }

    /**
     * Makes a token for {@code district}, appends its hash to {@code file} (created, readable by
     * its owner only, if missing) and returns the token: the only time anyone sees it.
     */
    public static OfficeTokens.Issued add(final Path file, final String district, final Clock clock) {
        if (!Reference.isDistrict(district)) {
            throw new IllegalArgumentException("unknown district '" + district + "'");
        }
        final OfficeTokens.Issued issued = OfficeTokens.issue();
        final String line = String.format(Locale.ROOT, "%-13s %-10s %s %s%n", district, issued.tokenId(),
                issued.hash(), clock.instant());
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            createOwnerOnly(file);
            final String existing = Files.readString(file, StandardCharsets.UTF_8);
            // written whole to a temporary file and moved: a crash never leaves half a line
            final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temp, (existing.isEmpty() ? HEADER : existing) + line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
            restrict(temp);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write the offices file " + file + ": " + e.getMessage(), e);
        }
        return issued;
    }

    private static void createOwnerOnly(final Path file) throws IOException {
        try {
            Files.createFile(file);
        } catch (final FileAlreadyExistsException e) {
            return;
        }
        restrict(file);
    }

    private static void restrict(final Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (final UnsupportedOperationException e) {
            // not a POSIX file system: its own access control applies
        }
    }
}
