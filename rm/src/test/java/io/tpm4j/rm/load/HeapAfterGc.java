package io.tpm4j.rm.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's live heap after each collection, from its {@code -Xlog:gc} file: the highest value in the first and
 * in the last quarter of the run (-1 where no collection fell in that quarter), and how many collections there were.
 */
record HeapAfterGc(int collections, long firstQuarterMib, long lastQuarterMib) {

    /** {@code [12.479s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 18M->3M(384M) 6.635ms} */
    private static final Pattern PAUSE = Pattern.compile("^\\[(\\d+\\.\\d+)s].*Pause.* \\d+M->(\\d+)M\\(\\d+M\\)");

    static HeapAfterGc read(Path log, long jvmStartMillis, long start, long deadline) throws IOException {
        record Point(long atMillis, long mib) {
        }
        List<Point> points = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = PAUSE.matcher(line);
            if (m.find()) {
                points.add(new Point(jvmStartMillis + (long) (Double.parseDouble(m.group(1)) * 1000),
                        Long.parseLong(m.group(2))));
            }
        }
        long quarter = (deadline - start) / 4;
        return new HeapAfterGc(
                (int) points.stream().filter(p -> p.atMillis() >= start && p.atMillis() <= deadline).count(),
                points.stream().filter(p -> p.atMillis() >= start && p.atMillis() < start + quarter)
                        .mapToLong(Point::mib).max().orElse(-1),
                points.stream().filter(p -> p.atMillis() >= deadline - quarter && p.atMillis() <= deadline)
                        .mapToLong(Point::mib).max().orElse(-1));
    }

    @Override
    public String toString() {
        return collections + " collections in the run; highest " + firstQuarterMib + " MiB in the first quarter, "
                + lastQuarterMib + " MiB in the last (-1: none in that quarter)";
    }
}
