package io.mp2p.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the figures were measured on: CPUs, CPU model, JDK, and how busy the machine was. */
record Machine(int cpus, String cpuModel, String jdk, String vm, String os) {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static final Path LOADAVG = Path.of("/proc/loadavg");
    private static final String UNKNOWN = "unknown";

    static Machine describe() {
        return new Machine(Runtime.getRuntime().availableProcessors(), readCpuModel(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }

    private static String readCpuModel() {
        try {
            List<String> lines = Files.readAllLines(CPUINFO);
            for (String line : lines) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: say so rather than guess
        }
        return UNKNOWN;
    }

    /** The 1-minute load average, or NaN where the OS does not say. */
    static double loadAverage() {
        try {
            String[] fields = Files.readString(LOADAVG).trim().split("\\s+");
            return Double.parseDouble(fields[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
