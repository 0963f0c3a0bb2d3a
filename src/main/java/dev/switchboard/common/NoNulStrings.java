package dev.switchboard.common;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;

/**
 * Strings from request bodies may not contain NUL: PostgreSQL text columns cannot store it, so it
 * would otherwise surface as a 500 on PostgreSQL only. Refused as a validation error instead.
 */
final class NoNulStrings extends StdScalarDeserializer<String> {

    NoNulStrings() {
        super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) {
        if (!p.hasToken(JsonToken.VALUE_STRING)) return (String) ctxt.handleUnexpectedToken(String.class, p);
        String s = p.getString();
        if (s.indexOf('\0') >= 0)
            throw InvalidFormatException.from(p, "NUL characters are not allowed", s, String.class);
        return s;
    }
}
