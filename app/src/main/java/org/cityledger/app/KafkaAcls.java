package org.cityledger.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;

/**
 * ACLs as the {@code kafka-acls} commands that grant them: what the operator of a cluster of their
 * own runs, since the ledger may rightly not grant ACLs there. Made from the very bindings the
 * embedded secured broker is given ({@link org.cityledger.streams.TopicSetup#inboxAcls}), so the two
 * cannot drift apart.
 */
final class KafkaAcls {

    private KafkaAcls() {
    }

    /**
     * One command per principal and resource, its operations together.
     *
     * @param bootstrapServers what the commands connect to
     * @param commandConfig    the admin client's properties file they name (an administrator's, not the ledger's)
     */
    static List<String> commands(final List<AclBinding> acls, final String bootstrapServers, final String commandConfig) {
        final Map<String, List<String>> operations = new LinkedHashMap<>();
        for (final AclBinding acl : acls) {
            final String grant = "--allow-principal " + acl.entry().principal() + resource(acl.pattern());
            operations.computeIfAbsent(grant, g -> new ArrayList<>()).add(name(acl.entry().operation().name()));
        }
        final List<String> commands = new ArrayList<>();
        operations.forEach((grant, ops) -> {
            final StringBuilder command = new StringBuilder("kafka-acls.sh --bootstrap-server ").append(bootstrapServers)
                    .append(" --command-config ").append(commandConfig).append(" --add ");
            final int resource = grant.indexOf(" --");
            command.append(grant, 0, resource);
            ops.forEach(op -> command.append(" --operation ").append(op));
            command.append(grant.substring(resource));
            commands.add(command.toString());
        });
        return commands;
    }

    private static String resource(final ResourcePattern pattern) {
        final String prefixed = pattern.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "";
        final String option = switch (pattern.resourceType()) {
            case TOPIC -> "--topic";
            case GROUP -> "--group";
            case TRANSACTIONAL_ID -> "--transactional-id";
            case CLUSTER -> "--cluster";
            default -> throw new IllegalArgumentException("no kafka-acls option for " + pattern.resourceType());
        };
        return prefixed + " " + option + " " + pattern.name();
    }

    /** {@code WRITE} as kafka-acls spells it: {@code Write}; {@code ALL}: {@code All}. */
    private static String name(final String operation) {
        return operation.charAt(0) + operation.substring(1).toLowerCase(Locale.ROOT);
    }
}
