package dev.switchboard.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Names an audited call from its route pattern, so every route any module maps is covered without
 * that module's help: {@code POST /api/v1/tenants/{tenant}/endpoints} is {@code endpoint.create},
 * {@code POST …/endpoints/{id}/secret/rotate} is {@code endpoint.secret.rotate}, {@code PATCH
 * …/connections/{id}} is {@code connection.update}. The target is the resource of the route's last
 * path variable (or, for a create, the collection's resource, its id known only from the response).
 * Names follow the routes, so they are stable as long as the routes are.
 */
final class RouteActions {

    /**
     * Path variables whose values are personal data: a subject's external id is an end user's id in
     * the tenant's own system (often an e-mail address). The entry keeps the target type, not the value.
     */
    static final Set<String> PERSONAL_VARIABLES = Set.of("externalId");

    private RouteActions() {}

    /**
     * Reads that are security events of their own: a GET answering with a stored secret (an endpoint's
     * signing secret) is audited as {@code ….secret.reveal}, like a write.
     */
    static boolean reveals(String method, String pattern) {
        return "GET".equals(method) && pattern != null && pattern.startsWith("/api/") && pattern.endsWith("/secret");
    }

    /** What an entry says about a call: the action, and the target as far as the route tells it. */
    record Described(String action, String targetType, String targetId, boolean create) {}

    static Described describe(String method, String pattern, Map<String, String> variables) {
        List<String> segments =
                new ArrayList<>(List.of(pattern.replaceFirst("^/+", "").split("/")));
        if (segments.size() >= 2
                && segments.get(0).equals("api")
                && segments.get(1).matches("v\\d+")) {
            segments = segments.subList(2, segments.size());
        }
        // Tenant-scoped routes name their resource after the tenant: /tenants/{tenant}/endpoints → endpoint.
        if (segments.size() > 2 && segments.get(0).equals("tenants") && isVariable(segments.get(1))) {
            segments = segments.subList(2, segments.size());
        }
        List<String> names = new ArrayList<>();
        String targetType = null;
        String targetId = null;
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            if (isVariable(s)) {
                String variable = variableName(s);
                targetType = names.isEmpty() ? variable : names.getLast();
                String value = variables == null ? null : variables.get(variable);
                targetId = PERSONAL_VARIABLES.contains(variable) ? null : value;
                continue;
            }
            boolean followedByVariable = i + 1 < segments.size() && isVariable(segments.get(i + 1));
            names.add(followedByVariable ? singular(s) : s);
        }
        String last = segments.isEmpty() ? "" : segments.getLast();
        String verb = method.toUpperCase(Locale.ROOT);
        if (isVariable(last) || segments.isEmpty()) {
            return new Described(join(names) + "." + verbOf(verb), targetType, targetId, false);
        }
        // A collection (a plural noun) at the end: POST creates one of it; any other method acts on it.
        if (verb.equals("POST") && plural(last)) {
            names.set(names.size() - 1, singular(last));
            return new Described(join(names) + ".create", singular(last), null, true);
        }
        // An action at the end (…/secret/rotate, …/recover): the name says what was done.
        if (verb.equals("GET")) return new Described(join(names) + ".reveal", targetType, targetId, false);
        if (verb.equals("POST")) return new Described(join(names), targetType, targetId, false);
        return new Described(join(names) + "." + verbOf(verb), targetType, targetId, false);
    }

    private static String verbOf(String method) {
        return switch (method) {
            case "POST" -> "create";
            case "PUT", "PATCH" -> "update";
            case "DELETE" -> "delete";
            case "GET" -> "read";
            default -> method.toLowerCase(Locale.ROOT);
        };
    }

    private static boolean isVariable(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private static String variableName(String segment) {
        String name = segment.substring(1, segment.length() - 1);
        int colon = name.indexOf(':');
        return (colon < 0 ? name : name.substring(0, colon)).replace("*", "");
    }

    private static boolean plural(String noun) {
        return noun.endsWith("s") && !noun.endsWith("ss") && !noun.endsWith("us");
    }

    private static String singular(String noun) {
        return plural(noun) ? noun.substring(0, noun.length() - 1) : noun;
    }

    private static String join(List<String> names) {
        return names.isEmpty() ? "root" : String.join(".", names);
    }
}
