package dev.switchboard.outbound;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.FieldError;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * JSON Schemas (draft 2020-12 unless the schema names another draft with {@code $schema}) for event
 * type payloads. Schemas are tenant input, so nothing they reference is ever fetched: no network,
 * no files; a {@code $ref} may only point inside the schema itself. Patterns run on RE2/J, which
 * matches in linear time (no backtracking, so no back-references or look-around); a schema whose
 * references loop without descending into the payload is refused when saved.
 */
@Component
class PayloadSchemas {

    static final int MAX_VIOLATIONS = 20;

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder()
                            .regularExpressionFactory(Re2Patterns.INSTANCE)
                            .build())
                    .schemaLoader(loader -> loader.fetchRemoteResources(false)
                            // The meta-schemas of the drafts ship inside the library; nothing else loads.
                            .allow(iri -> iri.toString().startsWith("https://json-schema.org/")
                                    || iri.toString().startsWith("http://json-schema.org/"))));

    /** Compiled schemas by their text: event types change rarely, messages arrive often. */
    private final Cache<String, Schema> compiled =
            Caffeine.newBuilder().maximumSize(1_000).build();

    /** Checks that {@code schema} is a usable schema; throws 400 on {@code field} when not. */
    void check(String field, JsonNode schema) {
        if (schema == null || !(schema.isObject() || schema.isBoolean())) {
            throw ApiException.invalid(field, "must be a JSON Schema (an object)");
        }
        try {
            List<com.networknt.schema.Error> problems = metaSchema(schema).validate(schema);
            if (!problems.isEmpty()) {
                throw ApiException.invalid(
                        field,
                        "is not a valid JSON Schema: "
                                + clip(problems.getFirst().getMessage()));
            }
            SchemaGraph graph = new SchemaGraph(schema, field);
            graph.patterns().forEach((path, pattern) -> {
                try {
                    com.google.re2j.Pattern.compile(pattern);
                } catch (com.google.re2j.PatternSyntaxException e) {
                    throw ApiException.invalid(
                            path,
                            "is not a pattern this server can run in linear time (RE2 syntax: no"
                                    + " back-references or look-around)");
                }
            });
            graph.inPlaceCycle().ifPresent(path -> {
                throw ApiException.invalid(
                        path, "refers back to a schema that encloses it without descending into the payload");
            });
        } catch (StackOverflowError e) {
            throw ApiException.invalid(field, "nests or chains references too deeply");
        }
        try {
            Schema s = registry.getSchema(schema);
            s.initializeValidators(); // resolves every $ref now, not at the first message
        } catch (RuntimeException | StackOverflowError e) {
            throw ApiException.invalid(field, "is not a usable JSON Schema: " + clip(e.getMessage()));
        }
    }

    /** The meta-schema the schema declares with {@code $schema}, else draft 2020-12's. */
    private Schema metaSchema(JsonNode schema) {
        JsonNode declared = schema.isObject() ? schema.get("$schema") : null;
        SpecificationVersion version = SpecificationVersion.DRAFT_2020_12;
        if (declared != null) {
            version = SpecificationVersion.fromDialectId(declared.isString() ? declared.asString() : "")
                    .orElseThrow(() -> ApiException.invalid(
                            "schema.$schema", "must name a JSON Schema draft (4, 6, 7, 2019-09 or 2020-12)"));
        }
        return registry.getSchema(SchemaLocation.of(version.getDialectId()));
    }

    /** Throws 422 schema_mismatch with the violations (at most {@value #MAX_VIOLATIONS}). */
    void validate(String schemaText, JsonNode payload) {
        List<com.networknt.schema.Error> errors;
        try {
            Schema schema = compiled.get(schemaText, registry::getSchema);
            errors = schema.validate(payload);
        } catch (StackOverflowError e) {
            // Saved schemas are checked for reference cycles, but a payload nested deep enough under
            // a recursive schema (or a schema saved before that check) can still exhaust the stack.
            throw new ApiException(
                    ErrorCode.SCHEMA_UNUSABLE,
                    "The event type's schema recurses too deeply for this payload; simplify the schema or"
                            + " the payload.");
        }
        if (errors.isEmpty()) return;
        List<FieldError> violations = errors.stream()
                .limit(MAX_VIOLATIONS)
                .map(e -> new FieldError(
                        "payload" + pointer(e.getInstanceLocation().toString()), clip(e.getMessage())))
                .toList();
        throw new ApiException(
                ErrorCode.SCHEMA_MISMATCH, errors.size() + " violation(s) of the event type's schema.", violations);
    }

    /** "$.amount" or "/amount" → ".amount". */
    private static String pointer(String location) {
        String l = location.startsWith("$") ? location.substring(1) : location.replace('/', '.');
        return l.isEmpty() || l.startsWith(".") || l.startsWith("[") ? l : "." + l;
    }

    /** ECMA-262 {@code pattern} semantics (a match anywhere in the string), on RE2/J. */
    private enum Re2Patterns implements RegularExpressionFactory {
        INSTANCE;

        @Override
        public RegularExpression getRegularExpression(String regex) {
            com.google.re2j.Pattern pattern = com.google.re2j.Pattern.compile(regex);
            return value -> pattern.matcher(value).find();
        }
    }

    private static String clip(String s) {
        if (s == null) return "";
        return s.length() <= 300 ? s : s.substring(0, 300);
    }
}
