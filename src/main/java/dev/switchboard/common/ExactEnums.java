package dev.switchboard.common;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.module.SimpleModule;

/**
 * Enum values match exactly. Jackson retries an unknown enum name with surrounding whitespace
 * trimmed, so {@code "role":"admin "} would be read as {@code admin}: a value that is not what the
 * caller stored or meant is refused instead.
 */
final class ExactEnums extends DelegatingDeserializer {

    private ExactEnums(ValueDeserializer<?> delegate) {
        super(delegate);
    }

    static SimpleModule module() {
        return new SimpleModule("switchboard-exact-enums").setDeserializerModifier(new ValueDeserializerModifier() {
            @Override
            public ValueDeserializer<?> modifyEnumDeserializer(
                    DeserializationConfig config,
                    JavaType type,
                    BeanDescription.Supplier description,
                    ValueDeserializer<?> deserializer) {
                return new ExactEnums(deserializer);
            }
        });
    }

    @Override
    protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
        return new ExactEnums(delegate);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) {
        if (p.hasToken(JsonToken.VALUE_STRING)) {
            String s = p.getString();
            if (!s.equals(s.strip())) {
                throw InvalidFormatException.from(p, "has whitespace around the value", s, handledType());
            }
        }
        return super.deserialize(p, ctxt);
    }
}
