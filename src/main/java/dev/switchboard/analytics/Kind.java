package dev.switchboard.analytics;

import java.util.Locale;

/** What a rollup row is about: its subject is a source, an endpoint or a connection. */
enum Kind {
    SOURCE,
    ENDPOINT,
    /** Provider calls on a connection, from the call log. */
    CONNECTION;

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Kind fromWire(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
