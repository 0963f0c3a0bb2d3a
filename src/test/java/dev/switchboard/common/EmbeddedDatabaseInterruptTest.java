package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database survives an interrupted thread. A thread whose interrupt flag is set when
 * it writes makes the JDK close H2's file channel, and with a plain {@code jdbc:h2:file:} URL that
 * closes the database for every connection in the process ("The database has been closed"); the
 * URL we ship (application.yml) must reopen the file instead.
 */
class EmbeddedDatabaseInterruptTest {

    @TempDir
    Path dir;

    @Test
    void anInterruptedWriterDoesNotCloseTheEmbeddedDatabase() throws Exception {
        String url = shippedUrl().replace("${switchboard.data-dir}", dir.toString());
        try (Connection keeper = DriverManager.getConnection(url, "sa", "");
                Statement s = keeper.createStatement()) {
            s.execute("CREATE TABLE t (x INT)");
            try (Connection c = DriverManager.getConnection(url, "sa", "");
                    Statement w = c.createStatement()) {
                Thread.currentThread().interrupt();
                try {
                    w.execute("INSERT INTO t VALUES (1)");
                } finally {
                    Thread.interrupted(); // whatever H2 did with the flag, the test thread goes on clean
                }
            }
            s.execute("INSERT INTO t VALUES (2)");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
    }

    private static String shippedUrl() throws Exception {
        String yml = Files.readString(Path.of("src/main/resources/application.yml"));
        Matcher m = Pattern.compile("url: (jdbc:h2:\\S+)").matcher(yml);
        assertThat(m.find()).as("the embedded database URL in application.yml").isTrue();
        return m.group(1);
    }
}
