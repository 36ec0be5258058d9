package io.mp2p.lab;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The messages a lab run sends: numbered, each with a seeded random tail, so that a received line
 * can be matched to exactly one sent message (intact) or to none (corrupted).
 */
final class Messages {
    private static final int TAIL_BYTES = 24;

    private Messages() {
    }

    static List<String> make(String label, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            byte[] tail = new byte[TAIL_BYTES];
            r.nextBytes(tail);
            out.add("lab-" + label + "-" + i + "-" + HexFormat.of().formatHex(tail));
        }
        return out;
    }
}
