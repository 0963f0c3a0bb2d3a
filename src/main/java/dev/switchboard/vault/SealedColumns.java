package dev.switchboard.vault;

import java.util.List;

/**
 * Where a capability keeps vault ciphertexts, so a key rotation can find and re-wrap them: each
 * capability declares its own as a bean. Every ciphertext in {@code table.column} is bound to
 * {@code SecretPlace(tenant_id, placeTable, column, <idColumn>)}.
 */
public record SealedColumns(String table, String idColumn, String placeTable, List<String> columns) {

    public SealedColumns(String table, List<String> columns) {
        this(table, "id", table, columns);
    }
}
