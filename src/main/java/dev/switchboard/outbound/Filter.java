package dev.switchboard.outbound;

import dev.switchboard.common.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * An endpoint's content filter: which messages it wants, decided on the payload. Small on purpose
 * (it runs for every endpoint on every message, inside the accepting transaction):
 *
 * <pre>
 * {"path": "customer.tier", "eq": "gold"}        equality (numbers compare by value: 1 == 1.0)
 * {"path": "customer.tier", "ne": "free"}        inequality (a missing value is unequal)
 * {"path": "currency", "in": ["eur", "usd"]}     membership
 * {"path": "refund", "exists": false}            presence
 * {"and": [f, …]}, {"or": [f, …]}, {"not": f}    composition
 * </pre>
 *
 * Paths are dot-separated field names into the payload; a segment of digits indexes an array.
 */
sealed interface Filter {

    int MAX_DEPTH = 8;
    int MAX_NODES = 64;

    boolean matches(JsonNode payload);

    record And(List<Filter> all) implements Filter {
        public boolean matches(JsonNode payload) {
            return all.stream().allMatch(f -> f.matches(payload));
        }
    }

    record Or(List<Filter> any) implements Filter {
        public boolean matches(JsonNode payload) {
            return any.stream().anyMatch(f -> f.matches(payload));
        }
    }

    record Not(Filter inner) implements Filter {
        public boolean matches(JsonNode payload) {
            return !inner.matches(payload);
        }
    }

    record Compare(List<String> path, String op, JsonNode operand) implements Filter {
        public boolean matches(JsonNode payload) {
            JsonNode value = at(payload, path);
            return switch (op) {
                case "eq" -> value != null && same(value, operand);
                case "ne" -> value == null || !same(value, operand);
                case "in" -> {
                    if (value == null) yield false;
                    for (JsonNode candidate : operand) if (same(value, candidate)) yield true;
                    yield false;
                }
                case "exists" -> (value != null && !value.isNull()) == operand.booleanValue();
                default -> throw new IllegalStateException(op);
            };
        }
    }

    /** Parses and checks a filter; problems are reported against {@code field}. */
    static Filter parse(String field, JsonNode node) {
        int[] nodes = {0};
        return parse(field, node, 1, nodes);
    }

    private static Filter parse(String field, JsonNode node, int depth, int[] nodes) {
        if (depth > MAX_DEPTH) throw ApiException.invalid(field, "nests deeper than " + MAX_DEPTH + " levels");
        if (++nodes[0] > MAX_NODES) throw ApiException.invalid(field, "has more than " + MAX_NODES + " conditions");
        if (node == null || !node.isObject()) throw ApiException.invalid(field, "must be a JSON object");
        Set<String> keys = new java.util.TreeSet<>(node.propertyNames());
        if (keys.equals(Set.of("and")) || keys.equals(Set.of("or"))) {
            String op = keys.iterator().next();
            JsonNode list = node.get(op);
            if (!list.isArray() || list.isEmpty()) {
                throw ApiException.invalid(field + "." + op, "must be a non-empty array of filters");
            }
            List<Filter> parts = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                parts.add(parse(field + "." + op + "[" + i + "]", list.get(i), depth + 1, nodes));
            }
            return op.equals("and") ? new And(List.copyOf(parts)) : new Or(List.copyOf(parts));
        }
        if (keys.equals(Set.of("not"))) return new Not(parse(field + ".not", node.get("not"), depth + 1, nodes));
        if (keys.size() != 2 || !keys.contains("path")) {
            throw ApiException.invalid(
                    field, "must be {\"path\", one of eq|ne|in|exists}, or one of and|or|not; got " + keys);
        }
        JsonNode pathNode = node.get("path");
        if (!pathNode.isString() || !pathNode.asString().matches("[^.]{1,100}(\\.[^.]{1,100}){0,15}")) {
            throw ApiException.invalid(field + ".path", "must be dot-separated names, e.g. customer.tier");
        }
        String op = keys.stream().filter(k -> !k.equals("path")).findFirst().orElseThrow();
        JsonNode operand = node.get(op);
        switch (op) {
            case "eq", "ne" -> {
                if (!operand.isValueNode()) throw ApiException.invalid(field + "." + op, "must be a single value");
            }
            case "in" -> {
                if (!operand.isArray() || operand.isEmpty() || operand.size() > 100) {
                    throw ApiException.invalid(field + ".in", "must be an array of 1 to 100 values");
                }
                for (JsonNode v : operand) {
                    if (!v.isValueNode()) throw ApiException.invalid(field + ".in", "must hold single values only");
                }
            }
            case "exists" -> {
                if (!operand.isBoolean()) throw ApiException.invalid(field + ".exists", "must be true or false");
            }
            default -> throw ApiException.invalid(field, "has an unknown operator '" + op + "' (eq, ne, in, exists)");
        }
        return new Compare(List.of(pathNode.asString().split("\\.")), op, operand);
    }

    private static JsonNode at(JsonNode payload, List<String> path) {
        JsonNode current = payload;
        for (String segment : path) {
            if (current == null) return null;
            if (current.isArray() && segment.chars().allMatch(Character::isDigit) && segment.length() < 10) {
                current = current.get(Integer.parseInt(segment));
            } else if (current.isObject()) {
                current = current.get(segment);
            } else {
                return null;
            }
        }
        return current;
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        return a.equals(b);
    }
}
