package io.mp2p.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/** Epochs, the listener's window and the sender's sequence (spec/ADDRESSING.md §2 and §4). */
class GroupScheduleTest {
    private static final HexFormat HEX = HexFormat.of();
    /** 2026-01-01T00:00:00Z, the first second of epoch 20454. */
    private static final long MIDNIGHT = 1_767_225_600L;
    private static final long DAY = GroupEpoch.SECONDS_PER_EPOCH;
    /** Attempts a sender makes in the 90 s a handshake is retried (REKEY_ATTEMPT_TIME / REKEY_TIMEOUT). */
    private static final int ATTEMPTS = 18;

    static Stream<Arguments> scheduleVectors() throws IOException {
        Path path = Path.of(System.getProperty("basedir", "."), "spec", "vectors", "groups.json");
        return JsonParser.parseString(Files.readString(path)).getAsJsonObject().getAsJsonArray("schedules").asList()
                .stream().map(JsonElement::getAsJsonObject).map(Arguments::of);
    }

    private static PeerKey key(int b) throws Exception {
        byte[] seed = new byte[Mp2pIdentity.SEED_LENGTH];
        java.util.Arrays.fill(seed, (byte) b);
        return Mp2pIdentity.fromSeed(seed).publicKey();
    }

    private static List<String> text(List<InetAddress> groups) {
        List<String> out = new ArrayList<>();
        groups.forEach(g -> out.add(GroupAddresses.toText(g)));
        return out;
    }

    private static List<String> strings(JsonObject v, String field) {
        List<String> out = new ArrayList<>();
        v.getAsJsonArray(field).forEach(e -> out.add(e.getAsString()));
        return out;
    }

    @ParameterizedTest
    @MethodSource("scheduleVectors")
    void listenWindowAndSendSequenceMatchTheVectors(JsonObject v) throws Exception {
        PeerKey key = Mp2pIdentity.fromSeed(HEX.parseHex(v.get("seed").getAsString())).publicKey();
        Instant at = Instant.ofEpochSecond(v.get("unix_seconds").getAsLong());
        GroupEpoch epoch = GroupEpoch.of(at);
        assertEquals(v.get("epoch").getAsLong(), epoch.day());
        assertEquals(v.get("epoch_start_unix_seconds").getAsLong(), epoch.start().getEpochSecond());

        GroupSchedule v4 = GroupSchedule.rotating(StandardProtocolFamily.INET, Ipv6Scope.GLOBAL);
        GroupSchedule v6 = GroupSchedule.rotating(StandardProtocolFamily.INET6, Ipv6Scope.GLOBAL);
        GroupSchedule v6site = GroupSchedule.rotating(StandardProtocolFamily.INET6, Ipv6Scope.SITE);
        assertEquals(strings(v, "ipv4_listen"), text(v4.listenGroups(key, at)));
        assertEquals(strings(v, "ipv6_listen_scope_e"), text(v6.listenGroups(key, at)));
        List<String> send4 = new ArrayList<>();
        List<String> send6 = new ArrayList<>();
        for (int attempt = 1; attempt <= 4; attempt++) {
            send4.add(GroupAddresses.toText(v4.sendGroup(key, at, attempt)));
            send6.add(GroupAddresses.toText(v6site.sendGroup(key, at, attempt)));
        }
        assertEquals(strings(v, "ipv4_send_attempts_1_to_4"), send4);
        assertEquals(strings(v, "ipv6_send_attempts_1_to_4_scope_5"), send6);
        assertEquals(v4.listenGroups(key, at).get(0), v4.currentGroup(key, at));
    }

    @Test
    void epochsAreUtcDaysWithInclusiveStartAndExclusiveEnd() {
        assertEquals(20_453, GroupEpoch.of(Instant.ofEpochSecond(MIDNIGHT - 1)).day());
        assertEquals(20_453, GroupEpoch.of(Instant.ofEpochSecond(MIDNIGHT - 1, 999_999_999)).day());
        assertEquals(20_454, GroupEpoch.of(Instant.ofEpochSecond(MIDNIGHT)).day());
        assertEquals(0, GroupEpoch.of(Instant.EPOCH).day());
        assertEquals(-1, GroupEpoch.of(Instant.ofEpochSecond(-1)).day());
        GroupEpoch e = new GroupEpoch(20_454);
        assertEquals(Instant.ofEpochSecond(MIDNIGHT), e.start());
        assertEquals(Instant.ofEpochSecond(MIDNIGHT + DAY), e.end());
        assertEquals(e.plus(1).start(), e.end());
        assertEquals("20454 (2026-01-01)", e.toString());
        assertTrue(e.compareTo(e.plus(-1)) > 0);
    }

    @Test
    void aListenerJoinedOnDayDIsReachedBySendersOnDaysDMinusOneToDPlusOneAtTheFirstAttempt() throws Exception {
        PeerKey listener = key(7);
        for (GroupSchedule s : List.of(GroupSchedule.rotating(StandardProtocolFamily.INET, Ipv6Scope.GLOBAL),
                GroupSchedule.rotating(StandardProtocolFamily.INET6, Ipv6Scope.LINK))) {
            // The listener's window is computed at the last second of day D; the senders sit on either side
            // of both midnights that bound it.
            Instant listenAt = Instant.ofEpochSecond(MIDNIGHT + DAY - 1);
            List<InetAddress> joined = s.listenGroups(listener, listenAt);
            assertEquals(3, joined.size());
            long[] senderTimes = {MIDNIGHT - DAY, MIDNIGHT - 1, MIDNIGHT, MIDNIGHT + DAY - 1, MIDNIGHT + DAY,
                MIDNIGHT + 2 * DAY - 1};
            for (long t : senderTimes) {
                InetAddress to = s.sendGroup(listener, Instant.ofEpochSecond(t), 1);
                assertTrue(joined.contains(to), s + ": sender at " + Instant.ofEpochSecond(t) + " sends to " + to);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {-2, 2})
    void aSenderTwoDaysOffReachesTheListenerOnARetry(long skewDays) throws Exception {
        PeerKey listener = key(8);
        GroupSchedule s = GroupSchedule.rotating(StandardProtocolFamily.INET, Ipv6Scope.GLOBAL);
        Instant listenAt = Instant.ofEpochSecond(MIDNIGHT + 3600);
        List<InetAddress> joined = s.listenGroups(listener, listenAt);
        Instant senderAt = listenAt.plusSeconds(skewDays * DAY);
        assertFalse(joined.contains(s.sendGroup(listener, senderAt, 1)));
        int first = 0;
        for (int attempt = 1; attempt <= ATTEMPTS && first == 0; attempt++) {
            if (joined.contains(s.sendGroup(listener, senderAt, attempt))) {
                first = attempt;
            }
        }
        // -1 is tried on attempt 2, +1 on attempt 3.
        assertEquals(skewDays > 0 ? 2 : 3, first);
    }

    @Test
    void aSenderThreeDaysOffNeverReachesTheListener() throws Exception {
        PeerKey listener = key(9);
        GroupSchedule s = GroupSchedule.rotating(StandardProtocolFamily.INET6, Ipv6Scope.GLOBAL);
        Instant listenAt = Instant.ofEpochSecond(MIDNIGHT);
        List<InetAddress> joined = s.listenGroups(listener, listenAt);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            assertFalse(joined.contains(s.sendGroup(listener, listenAt.plusSeconds(3 * DAY), attempt)));
            assertFalse(joined.contains(s.sendGroup(listener, listenAt.minusSeconds(3 * DAY), attempt)));
        }
    }

    @Test
    void theGroupsChangeEveryDayAndDependOnTheKey() throws Exception {
        GroupSchedule s = GroupSchedule.rotating(StandardProtocolFamily.INET6, Ipv6Scope.GLOBAL);
        PeerKey a = key(10);
        PeerKey b = key(11);
        Instant day = Instant.ofEpochSecond(MIDNIGHT);
        assertNotEquals(s.currentGroup(a, day), s.currentGroup(a, day.plusSeconds(DAY)));
        assertEquals(s.currentGroup(a, day), s.currentGroup(a, day.plusSeconds(DAY - 1)));
        assertNotEquals(s.currentGroup(a, day), s.currentGroup(b, day));
        // The epoch groups are not the static group: a static node and a rotating one do not meet by derivation.
        assertNotEquals(GroupAddresses.ipv6(a), s.currentGroup(a, day));
        // Yesterday's window and today's share two groups, so a listener rotates one group a day.
        List<InetAddress> today = s.listenGroups(a, day);
        List<InetAddress> tomorrow = s.listenGroups(a, day.plusSeconds(DAY));
        assertEquals(2, today.stream().filter(tomorrow::contains).count());
    }

    @Test
    void aStaticScheduleIsOneFixedGroupAtAnyTimeAndAttempt() throws Exception {
        PeerKey k = key(12);
        GroupSchedule v4 = GroupSchedule.fixed(StandardProtocolFamily.INET, Ipv6Scope.GLOBAL);
        GroupSchedule v6 = GroupSchedule.of(StandardProtocolFamily.INET6, Ipv6Scope.ORGANIZATION, false);
        assertFalse(v6.rotates());
        for (long t : new long[] {0, MIDNIGHT, MIDNIGHT + 5 * DAY}) {
            Instant at = Instant.ofEpochSecond(t);
            assertEquals(List.of(GroupAddresses.ipv4(k)), v4.listenGroups(k, at));
            assertEquals(List.of(GroupAddresses.ipv6(k, Ipv6Scope.ORGANIZATION)), v6.listenGroups(k, at));
            for (int attempt = 1; attempt <= 4; attempt++) {
                assertEquals(GroupAddresses.ipv4(k), v4.sendGroup(k, at, attempt));
            }
        }
        assertEquals(0x18, GroupAddresses.ipv6(k, Ipv6Scope.ORGANIZATION).getAddress()[1] & 0xff);
    }

    @Test
    void attemptsCountFromOne() throws Exception {
        assertEquals(0, GroupSchedule.epochOffset(1));
        assertEquals(-1, GroupSchedule.epochOffset(2));
        assertEquals(1, GroupSchedule.epochOffset(3));
        assertEquals(0, GroupSchedule.epochOffset(4));
        assertThrows(IllegalArgumentException.class, () -> GroupSchedule.epochOffset(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"link", "LINK", "2", " site ", "5", "organization", "8", "global", "e", "E"})
    void scopesParseByNameOrNibble(String text) {
        Ipv6Scope s = Ipv6Scope.parse(text);
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        assertTrue(t.equals(Integer.toHexString(s.nibble())) || s.name().equalsIgnoreCase(t), s.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "4", "f", "admin", "global-ish", "0xe"})
    void otherScopesAreRefusedWithTheChoices(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv6Scope.parse(text));
        assertTrue(e.getMessage().contains("link (2), site (5), organization (8) or global (e)"), e.getMessage());
    }
}
