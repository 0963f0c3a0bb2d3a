package dev.switchboard.audit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Which fields a request changed: the top-level field names of its JSON body, never a value. Names
 * are kept only when they look like a schema's field names ({@code credentials}, {@code url}), so a
 * body whose keys are data (an e-mail address as a key) leaves nothing personal behind. A body that
 * is not a JSON object, or is cut off, gives the names read so far.
 */
final class BodyFields {

    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    static final int MAX_NAMES = 50;

    private BodyFields() {}

    static List<String> of(byte[] body, int length) {
        if (body == null || length == 0) return List.of();
        Set<String> names = new LinkedHashSet<>();
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), body, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return List.of();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME && names.size() < MAX_NAMES) {
                String name = p.currentName();
                if (NAME.matcher(name).matches()) names.add(name);
                p.nextToken();
                p.skipChildren();
            }
        } catch (RuntimeException cutOffOrInvalid) {
            // Keep what was read: a bad body is still an audited call, with the names it had.
        }
        return new ArrayList<>(names);
    }

    /** Form posts (the dashboard): the parameter names, without the CSRF token's. */
    static List<String> ofParameters(Iterable<String> parameterNames) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : parameterNames) {
            if (names.size() >= MAX_NAMES) break;
            if (!name.equals("_csrf") && NAME.matcher(name).matches()) names.add(name);
        }
        return new ArrayList<>(names);
    }
}
