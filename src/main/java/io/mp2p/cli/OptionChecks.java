package io.mp2p.cli;

import java.time.Duration;

/**
 * Range checks for numeric options, all worded alike: the message states exactly what is accepted
 * ({@code --port must be from 1 to 65535, got 70000}). A wrong number is a usage error (exit 2).
 */
final class OptionChecks {
    /** Longest duration any option takes: a day. */
    static final double MAX_SECONDS = 86_400;
    static final int MIN_PORT = 1;
    static final int MAX_PORT = 65_535;
    static final int MAX_TTL = 255;

    private OptionChecks() {
    }

    static void port(String flag, int value) throws CliException {
        range(flag, value, MIN_PORT, MAX_PORT);
    }

    /** {@code min <= value <= max}. */
    static void range(String flag, int value, int min, int max) throws CliException {
        if (value < min || value > max) {
            throw usage(flag + " must be from " + min + " to " + max + ", got " + value);
        }
    }

    /** {@code value >= min}. */
    static void atLeast(String flag, int value, int min) throws CliException {
        if (value < min) {
            throw usage(flag + " must be " + min + " or more, got " + value);
        }
    }

    /** A duration of more than 0 and at most {@link #MAX_SECONDS}. */
    static Duration positiveSeconds(String flag, double seconds) throws CliException {
        if (!(seconds > 0 && seconds <= MAX_SECONDS)) {
            throw usage(flag + " must be more than 0 and at most " + text(MAX_SECONDS) + " seconds, got "
                    + text(seconds));
        }
        return toDuration(seconds);
    }

    /** A duration from 0 to {@link #MAX_SECONDS}. */
    static Duration nonNegativeSeconds(String flag, double seconds) throws CliException {
        if (!(seconds >= 0 && seconds <= MAX_SECONDS)) {
            throw usage(flag + " must be from 0 to " + text(MAX_SECONDS) + " seconds, got " + text(seconds));
        }
        return toDuration(seconds);
    }

    private static Duration toDuration(double seconds) {
        // Rounded up to a whole nanosecond, so that a tiny positive value never becomes zero.
        return Duration.ofNanos((long) Math.ceil(seconds * 1e9));
    }

    /** 0 as "0" and 0.5 as "0.5": the number as the user would type it. */
    private static String text(double v) {
        return Double.isFinite(v) && v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static CliException usage(String message) {
        return new CliException(message, ExitCodes.USAGE);
    }
}
