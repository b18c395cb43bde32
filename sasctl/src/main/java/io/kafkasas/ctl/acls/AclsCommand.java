package io.kafkasas.ctl.acls;

import io.kafkasas.ctl.CtlCommand;
import io.kafkasas.ctl.CtlException;
import io.kafkasas.ctl.ExitCodes;
import io.kafkasas.ctl.Output;
import io.kafkasas.schemas.acls.AccessPlan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.resource.PatternType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Prints or applies the kafka-sas ACLs: one principal per app, each allowed what the app does and nothing more. */
@Command(name = "acls", mixinStandardHelpOptions = true,
    description = {"The Kafka ACLs of every kafka-sas app (acls.principal.* name the principals).",
        "print: as kafka-acls.sh commands, for a cluster whose ACLs are managed elsewhere (-o json: as data).",
        "apply: creates the missing ones with the admin credentials of the kafka.* settings; bindings of these"
            + " principals that the plan does not hold are listed and left alone."},
    footer = {"", "Examples:", "  sasctl acls print --bootstrap-server kafka:9093",
        "  sasctl acls apply --config admin.properties"})
public final class AclsCommand extends CtlCommand {

    /** What to do. */
    enum Action { print, apply }

    @Parameters(index = "0", paramLabel = "ACTION", description = "print or apply")
    Action action;

    @Override
    public Integer call() throws Exception {
        AccessPlan plan = new AccessPlan(settings.load());
        List<AccessPlan.Grant> grants = plan.grants();
        PrintWriter out = out();
        if (action == Action.print) {
            if (output.json()) {
                Output.printJson(out, grants.stream().map(AclsCommand::view).toList());
            } else {
                String bootstrap = String.valueOf(plan.kafkaProperties().getOrDefault("bootstrap.servers",
                    "<bootstrap servers>"));
                grants.forEach(g -> out.println(kafkaAclsCommand(bootstrap, g.binding())));
            }
            return ExitCodes.OK;
        }
        try (Admin admin = Admin.create(plan.kafkaProperties())) {
            return apply(admin, grants, out);
        }
    }

    private int apply(Admin admin, List<AccessPlan.Grant> grants, PrintWriter out) throws InterruptedException {
        Set<AclBinding> existing;
        try {
            existing = new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values().get());
        } catch (ExecutionException e) {
            throw refused(e);
        }
        List<AclBinding> missing = grants.stream().map(AccessPlan.Grant::binding)
            .filter(b -> !existing.contains(b)).toList();
        try {
            admin.createAcls(missing).all().get();
        } catch (ExecutionException e) {
            throw refused(e);
        }
        Output.Table table = new Output.Table("APP", "PRINCIPAL", "RESOURCE", "OPERATION", "OUTCOME");
        for (AccessPlan.Grant grant : grants) {
            AclBinding b = grant.binding();
            table.row(grant.app(), b.entry().principal(), resource(b), b.entry().operation(),
                missing.contains(b) ? "CREATED" : "EXISTED");
        }
        Set<String> principals = grants.stream().map(g -> g.binding().entry().principal())
            .collect(Collectors.toSet());
        Set<AclBinding> planned = grants.stream().map(AccessPlan.Grant::binding).collect(Collectors.toSet());
        existing.stream().filter(b -> principals.contains(b.entry().principal()) && !planned.contains(b))
            .forEach(b -> table.row("?", b.entry().principal(), resource(b), b.entry().operation(),
                "NOT IN THE PLAN (left alone)"));
        table.print(out);
        return ExitCodes.OK;
    }

    private static CtlException refused(ExecutionException e) {
        if (e.getCause() instanceof SecurityDisabledException) {
            return new CtlException(ExitCodes.USAGE, "The cluster has no authorizer: there are no ACLs to apply ("
                + e.getCause().getMessage() + ")");
        }
        if (e.getCause() instanceof ClusterAuthorizationException) {
            return new CtlException(ExitCodes.NOT_ALLOWED, "The kafka.* credentials may not manage ACLs: apply"
                + " them as a cluster admin (" + e.getCause().getMessage() + ")");
        }
        return new CtlException(ExitCodes.UNAVAILABLE, "Kafka did not answer: " + e.getCause());
    }

    private static Map<String, Object> view(AccessPlan.Grant grant) {
        AclBinding b = grant.binding();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("app", grant.app());
        view.put("principal", b.entry().principal());
        view.put("resourceType", b.pattern().resourceType().name());
        view.put("name", b.pattern().name());
        view.put("patternType", b.pattern().patternType().name());
        view.put("operation", b.entry().operation().name());
        return view;
    }

    private static String resource(AclBinding b) {
        return b.pattern().resourceType().name().toLowerCase(Locale.ROOT) + " " + b.pattern().name()
            + (b.pattern().patternType() == PatternType.PREFIXED ? "*" : "");
    }

    /** The {@code kafka-acls.sh} command that creates {@code b}. */
    static String kafkaAclsCommand(String bootstrap, AclBinding b) {
        List<String> words = new ArrayList<>(List.of("kafka-acls.sh", "--bootstrap-server", bootstrap, "--add",
            "--allow-principal", b.entry().principal(), "--operation", camel(b.entry().operation().name())));
        words.add(switch (b.pattern().resourceType()) {
            case TOPIC -> "--topic";
            case GROUP -> "--group";
            case TRANSACTIONAL_ID -> "--transactional-id";
            default -> throw new IllegalStateException("Not in the plan: " + b.pattern().resourceType());
        });
        words.add(b.pattern().name());
        if (b.pattern().patternType() == PatternType.PREFIXED) {
            words.addAll(List.of("--resource-pattern-type", "prefixed"));
        }
        return String.join(" ", words);
    }

    private static String camel(String snake) {
        StringBuilder camel = new StringBuilder();
        for (String word : snake.split("_")) {
            camel.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return camel.toString();
    }
}
