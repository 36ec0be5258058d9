package io.mp2p.cli;

import java.io.Console;
import java.util.Arrays;

/**
 * The password of a PKCS12 key store: from {@code $MP2P_KEYSTORE_PASSWORD}, else asked twice on the terminal.
 * Never from the command line, where other users see it in the process list and it stays in the shell history.
 */
final class StorePassword {
    /** The environment variable read before prompting. */
    static final String ENV = "MP2P_KEYSTORE_PASSWORD";
    /** keytool refuses shorter store passwords, and a store it cannot open would surprise the user. */
    static final int MIN_LENGTH = 6;

    private StorePassword() {
    }

    /** A new password for {@code what}; the caller clears the array. */
    static char[] forNewStore(String what) throws CliException {
        String env = System.getenv(ENV);
        if (env != null) {
            // A String cannot be wiped; it came from the environment, where it already lives.
            return checked(env.toCharArray());
        }
        Console console = System.console();
        if (console == null) {
            throw new CliException("no password for " + what + ": set " + ENV + " or run in a terminal to be asked");
        }
        char[] first = console.readPassword("password for %s: ", what);
        char[] second = console.readPassword("the same password again: ");
        try {
            if (first == null || second == null) {
                throw new CliException("no password given");
            }
            if (!Arrays.equals(first, second)) {
                throw new CliException("the two passwords differ");
            }
            return checked(first.clone());
        } finally {
            wipe(first);
            wipe(second);
        }
    }

    private static char[] checked(char[] password) throws CliException {
        if (password.length < MIN_LENGTH) {
            wipe(password);
            throw new CliException("the key store password must have at least " + MIN_LENGTH
                    + " characters (keytool refuses shorter ones)");
        }
        return password;
    }

    static void wipe(char[] password) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }
}
