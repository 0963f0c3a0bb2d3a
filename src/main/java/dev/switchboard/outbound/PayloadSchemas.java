package dev.switchboard.outbound;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.FieldError;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * JSON Schemas (draft 2020-12 unless the schema names another draft with {@code $schema}) for event
 * type payloads. Schemas are tenant input, so nothing they reference is ever fetched: no network,
 * no files; a {@code $ref} may only point inside the schema itself.
 */
@Component
class PayloadSchemas {

    static final int MAX_VIOLATIONS = 20;

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaLoader(loader -> loader.fetchRemoteResources(false)
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
        List<com.networknt.schema.Error> problems = metaSchema(schema).validate(schema);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(
                    field,
                    "is not a valid JSON Schema: " + clip(problems.getFirst().getMessage()));
        }
        try {
            Schema s = registry.getSchema(schema);
            s.initializeValidators(); // resolves every $ref now, not at the first message
        } catch (RuntimeException e) {
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
        Schema schema = compiled.get(schemaText, registry::getSchema);
        List<com.networknt.schema.Error> errors = schema.validate(payload);
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

    private static String clip(String s) {
        if (s == null) return "";
        return s.length() <= 300 ? s : s.substring(0, 300);
    }
}
