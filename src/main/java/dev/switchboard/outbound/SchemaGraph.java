package dev.switchboard.outbound;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import tools.jackson.databind.JsonNode;

/**
 * A schema's subschemas, where each sits, and what each refers to, read without the validator:
 * enough to refuse, when a schema is saved, what would make validation loop or hang.
 *
 * <p>A cycle is refused only when it returns to a schema without descending into the instance:
 * {@code {"$ref":"#"}}, or {@code a → allOf → b → $ref a}. Recursion through {@code properties} or
 * {@code items} (a tree of comments, say) is fine: each step is one level deeper into a payload of
 * bounded depth.
 */
final class SchemaGraph {

    /** Keywords whose value is one subschema. */
    private static final Set<String> ONE = Set.of(
            "additionalProperties",
            "additionalItems",
            "items",
            "contains",
            "propertyNames",
            "not",
            "if",
            "then",
            "else",
            "unevaluatedItems",
            "unevaluatedProperties",
            "contentSchema");
    /** Keywords whose value is an array of subschemas. */
    private static final Set<String> LIST = Set.of("allOf", "anyOf", "oneOf", "prefixItems", "items");
    /** Keywords whose value is an object of subschemas. */
    private static final Set<String> MAP =
            Set.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies");
    /** Keywords that apply their subschema to the same instance, not to a part of it. */
    private static final Set<String> IN_PLACE =
            Set.of("allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "dependencies");

    private final JsonNode root;
    private final Map<JsonNode, String> paths = new IdentityHashMap<>();
    /** Each schema's resource root: the nearest enclosing schema with an {@code $id}, else the root. */
    private final Map<JsonNode, JsonNode> resources = new IdentityHashMap<>();

    private final Map<String, JsonNode> ids = new HashMap<>();
    private final Map<JsonNode, Map<String, JsonNode>> anchors = new IdentityHashMap<>();

    SchemaGraph(JsonNode root, String field) {
        this.root = root;
        walk(root, field, root);
    }

    private void walk(JsonNode schema, String path, JsonNode resource) {
        if (!schema.isObject() || paths.containsKey(schema)) return;
        JsonNode id = schema.get("$id");
        if (id == null) id = schema.get("id"); // draft 4
        if (id != null && id.isString() && schema != root) {
            resource = schema;
            ids.putIfAbsent(withoutFragment(id.asString()), schema);
        }
        paths.put(schema, path);
        resources.put(schema, resource);
        for (String anchorKeyword : List.of("$anchor", "$dynamicAnchor", "$recursiveAnchor")) {
            JsonNode anchor = schema.get(anchorKeyword);
            if (anchor != null && anchor.isString()) {
                anchors.computeIfAbsent(resource, r -> new HashMap<>()).putIfAbsent(anchor.asString(), schema);
            }
        }
        JsonNode r = resource;
        subschemas(schema, path, (child, childPath) -> walk(child, childPath, r));
    }

    /** Every direct subschema of {@code schema}, with its path. */
    private static void subschemas(JsonNode schema, String path, BiConsumer<JsonNode, String> each) {
        for (String keyword : schema.propertyNames()) {
            JsonNode value = schema.get(keyword);
            String at = path + "." + keyword;
            if (ONE.contains(keyword) && value.isObject()) each.accept(value, at);
            if (LIST.contains(keyword) && value.isArray()) {
                for (int i = 0; i < value.size(); i++) each.accept(value.get(i), at + "[" + i + "]");
            }
            if (MAP.contains(keyword) && value.isObject()) {
                for (String name : value.propertyNames()) each.accept(value.get(name), at + "." + name);
            }
        }
    }

    /** Every pattern the validator will compile, by path: {@code pattern} values and {@code patternProperties} keys. */
    Map<String, String> patterns() {
        Map<String, String> found = new java.util.LinkedHashMap<>();
        paths.forEach((schema, path) -> {
            JsonNode pattern = schema.get("pattern");
            if (pattern != null && pattern.isString()) found.put(path + ".pattern", pattern.asString());
            JsonNode patternProperties = schema.get("patternProperties");
            if (patternProperties != null && patternProperties.isObject()) {
                for (String key : patternProperties.propertyNames()) {
                    found.put(path + ".patternProperties", key);
                }
            }
        });
        return found;
    }

    /** The path of a {@code $ref} that closes a cycle without descending into the instance, if any. */
    Optional<String> inPlaceCycle() {
        Map<JsonNode, Integer> state = new IdentityHashMap<>(); // 1 = on the current path, 2 = done
        for (JsonNode schema : paths.keySet()) {
            Optional<String> cycle = visit(schema, state);
            if (cycle.isPresent()) return cycle;
        }
        return Optional.empty();
    }

    private Optional<String> visit(JsonNode schema, Map<JsonNode, Integer> state) {
        Integer s = state.get(schema);
        if (s != null) return Optional.empty();
        state.put(schema, 1);
        for (Edge edge : inPlaceEdges(schema)) {
            Integer target = state.get(edge.to());
            if (target != null && target == 1) return Optional.of(edge.path());
            Optional<String> deeper = visit(edge.to(), state);
            if (deeper.isPresent()) return deeper;
        }
        state.put(schema, 2);
        return Optional.empty();
    }

    private record Edge(JsonNode to, String path) {}

    private List<Edge> inPlaceEdges(JsonNode schema) {
        List<Edge> edges = new ArrayList<>();
        String path = paths.get(schema);
        for (String keyword : List.of("$ref", "$dynamicRef", "$recursiveRef")) {
            JsonNode ref = schema.get(keyword);
            if (ref != null && ref.isString()) {
                resolve(schema, ref.asString()).ifPresent(target -> edges.add(new Edge(target, path + "." + keyword)));
            }
        }
        for (String keyword : IN_PLACE) {
            JsonNode value = schema.get(keyword);
            if (value == null) continue;
            String at = path + "." + keyword;
            if (value.isObject() && !MAP.contains(keyword)) edges.add(new Edge(value, at));
            if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    if (value.get(i).isObject()) edges.add(new Edge(value.get(i), at + "[" + i + "]"));
                }
            }
            if (value.isObject() && MAP.contains(keyword)) {
                for (String name : value.propertyNames()) {
                    if (value.get(name).isObject()) edges.add(new Edge(value.get(name), at + "." + name));
                }
            }
        }
        edges.removeIf(e -> !paths.containsKey(e.to()));
        return edges;
    }

    /**
     * Where a reference points, when that can be told from the document alone: a fragment of the
     * schema's own resource ({@code #}, {@code #/json/pointer}, {@code #anchor}) or of a resource
     * named by an {@code $id} inside the document. Anything else resolves to nothing here; the
     * validator refuses what it cannot load, and a guard at validation time covers the rest.
     */
    private Optional<JsonNode> resolve(JsonNode from, String ref) {
        int hash = ref.indexOf('#');
        String base = hash < 0 ? ref : ref.substring(0, hash);
        String fragment = hash < 0 ? "" : ref.substring(hash + 1);
        JsonNode resource = base.isEmpty() ? resources.get(from) : ids.get(base);
        if (resource == null) return Optional.empty();
        if (fragment.isEmpty()) return Optional.of(resource);
        if (!fragment.startsWith("/")) {
            return Optional.ofNullable(anchors.getOrDefault(resource, Map.of()).get(fragment));
        }
        JsonNode node = resource;
        for (String token : fragment.substring(1).split("/", -1)) {
            String name = URLDecoder.decode(token.replace("+", "%2B"), StandardCharsets.UTF_8)
                    .replace("~1", "/")
                    .replace("~0", "~");
            if (node.isArray() && name.matches("\\d{1,9}")) node = node.get(Integer.parseInt(name));
            else if (node.isObject()) node = node.get(name);
            else return Optional.empty();
            if (node == null) return Optional.empty();
        }
        return Optional.of(node);
    }

    private static String withoutFragment(String id) {
        int hash = id.indexOf('#');
        return hash < 0 ? id : id.substring(0, hash);
    }
}
