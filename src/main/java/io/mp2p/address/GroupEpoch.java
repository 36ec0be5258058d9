package io.mp2p.address;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A group epoch: one UTC day, numbered from 1970-01-01 (epoch 0), the time input of the derived
 * groups that change daily (spec/ADDRESSING.md §2). A pure value: it never reads a clock, so every
 * derivation takes the time as an argument and tests choose it.
 *
 * <pre>{@code
 * GroupEpoch today = GroupEpoch.of(Instant.now());          // e.g. 20454 (2026-01-01)
 * Inet4Address group = GroupAddresses.ipv4(key, today);
 * Instant rotates = today.end();                            // next UTC midnight
 * }</pre>
 *
 * @param day days since 1970-01-01 UTC, negative before it: floor(unix seconds / 86400)
 */
public record GroupEpoch(long day) implements Comparable<GroupEpoch> {
    /** Length of an epoch: one day, in seconds. Unix time has no leap seconds, so every day has this many. */
    public static final long SECONDS_PER_EPOCH = 86_400;

    /** The epoch (UTC day) that contains {@code instant}. */
    public static GroupEpoch of(Instant instant) {
        return new GroupEpoch(Math.floorDiv(instant.getEpochSecond(), SECONDS_PER_EPOCH));
    }

    /** The epoch {@code days} later (earlier when negative). */
    public GroupEpoch plus(long days) {
        return new GroupEpoch(Math.addExact(day, days));
    }

    /** The first instant of this epoch: its UTC midnight. */
    public Instant start() {
        return Instant.ofEpochSecond(Math.multiplyExact(day, SECONDS_PER_EPOCH));
    }

    /** The first instant after this epoch: the next UTC midnight. */
    public Instant end() {
        return plus(1).start();
    }

    /** The UTC date this epoch is. */
    public LocalDate date() {
        return LocalDate.ofEpochDay(day);
    }

    @Override
    public int compareTo(GroupEpoch o) {
        return Long.compare(day, o.day);
    }

    /** The number and its date, e.g. {@code 20454 (2026-01-01)}. */
    @Override
    public String toString() {
        return day + " (" + date() + ")";
    }
}
