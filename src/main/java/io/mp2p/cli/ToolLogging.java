package io.mp2p.cli;

/**
 * How the library's log lines look in the tool: like the tool's own ({@code mp2p: WARN could not
 * re-join ...}), on stderr, without logger or thread names.
 *
 * <p>Levels: WARN by default, so that nothing a stranger can trigger fills the terminal. Two
 * loggers stay at INFO because an operator wants their lines and they cannot be driven by others:
 * {@code io.mp2p.transport} (an interface went down or came back: rare, one line each) and
 * {@code io.mp2p.SecureMulticastChannel} (a peer refused by {@code --allow}: the channel logs that
 * at most once per peer per minute). {@code MP2P_DEBUG=1} shows everything down to DEBUG.
 *
 * <p>Set as system properties rather than in a {@code simplelogger.properties} file: the tool and
 * the library share one jar, and such a file would reformat the logs of every application that
 * uses the library with slf4j-simple.
 */
final class ToolLogging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";
    /** slf4j-simple has no prefix option; a date format made only of quoted text prints that text. */
    private static final String TOOL_PREFIX_AS_DATE_FORMAT = "'mp2p:'";

    private ToolLogging() {
    }

    /** Call before the first logger is made. */
    static void configure() {
        boolean debug = System.getenv("MP2P_DEBUG") != null;
        set("defaultLogLevel", debug ? "debug" : "warn");
        if (!debug) {
            set("log.io.mp2p.transport", "info");
            set("log.io.mp2p.SecureMulticastChannel", "info");
        }
        set("logFile", "System.err");
        set("showDateTime", "true");
        set("dateTimeFormat", TOOL_PREFIX_AS_DATE_FORMAT);
        set("showThreadName", "false");
        set("showLogName", "false");
        set("showShortLogName", "false");
        set("levelInBrackets", "false");
    }

    private static void set(String key, String value) {
        // A property the user set on the command line (java -Dorg.slf4j.simpleLogger...=...) wins.
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
