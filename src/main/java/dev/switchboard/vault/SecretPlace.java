package dev.switchboard.vault;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a ciphertext lives: tenant, table, column and row. It is the AEAD's associated data, so a
 * ciphertext copied to another row, column or tenant no longer decrypts. Platform-wide secrets use
 * the tenant {@code "_platform"}.
 */
public record SecretPlace(String tenantId, String table, String column, String rowId) {

    public static final String PLATFORM = "_platform";

    public SecretPlace {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(rowId, "rowId");
    }

    /** Length-prefixed, so no two different places encode to the same bytes ("a|b","c" vs "a","b|c"). */
    byte[] associatedData() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("switchboard-secret-v1".getBytes(StandardCharsets.UTF_8));
        for (String part : new String[] {tenantId, table, column, rowId}) {
            byte[] b = part.getBytes(StandardCharsets.UTF_8);
            out.write(b.length >>> 24);
            out.write(b.length >>> 16);
            out.write(b.length >>> 8);
            out.write(b.length);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return "tenant=" + tenantId + ", table=" + table + ", column=" + column + ", row=" + rowId;
    }
}
