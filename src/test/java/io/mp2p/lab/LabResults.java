package io.mp2p.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The lab's table, topology by topology: connected or not, handshake time, messages delivered,
 * path used. Each row is printed when its test ends, and {@code target/lab-results.md} is written
 * again with every row so far, in the topologies' fixed order, so that the file of a whole run is
 * the table README reproduces.
 */
final class LabResults {
    static final Path FILE = Path.of("target", "lab-results.md");
    private static final List<Row> ROWS = new ArrayList<>();
    private static final String HEADER = "| # | topology | connected? | handshake | delivered | path used |\n"
            + "|---|---|---|---|---|---|\n";

    /** One topology's result; {@code order} places it in the table. */
    record Row(int order, String topology, String connected, String handshake, String delivered, String path) {
        String markdown() {
            return "| " + order + " | " + topology + " | " + connected + " | " + handshake + " | " + delivered + " | "
                    + path + " |";
        }
    }

    private LabResults() {
    }

    /** A handshake time as the table shows it. */
    static String ms(double ms) {
        return Double.isNaN(ms) ? "—" : String.format(Locale.ROOT, "%.0f ms", ms);
    }

    static synchronized void add(Row row) {
        ROWS.removeIf(r -> r.order() == row.order() && r.topology().equals(row.topology()));
        ROWS.add(row);
        System.out.println("lab result: " + row.markdown());
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, table(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.out.println("lab: cannot write " + FILE + ": " + e.getMessage());
        }
    }

    /** The table of every row so far, in order. */
    static synchronized String table() {
        List<Row> rows = new ArrayList<>(ROWS);
        rows.sort(Comparator.comparingInt(Row::order));
        StringBuilder b = new StringBuilder(HEADER);
        rows.forEach(r -> b.append(r.markdown()).append('\n'));
        return b.toString();
    }

    /** Prints the table so far (each lab test class does, when it ends). */
    static void print() {
        System.out.println("lab results so far (" + FILE + "):\n" + table());
    }
}
