package io.mp2p.address;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

class GroupAddressesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int RANDOM_KEYS = 10_000;
    private static final int REAL_KEYS = 100;
    /** Slices of the IPv4 range counted for the uniformity checks. */
    private static final int BUCKETS = 64;
    /** Chi-square, 63 degrees of freedom: the 99.99th percentile is about 110; 140 keeps the test from ever flaking. */
    private static final double CHI_SQUARE_BOUND = 140.0;
    /** Bits of an IPv4 group address that an Ethernet multicast MAC carries (RFC 1112 §6.4). */
    private static final int MAC_BITS = 23;

    static JsonArray vectors(String file) throws IOException {
        Path path = Path.of(System.getProperty("basedir", "."), "spec", "vectors", file);
        return JsonParser.parseString(Files.readString(path)).getAsJsonObject().getAsJsonArray("vectors");
    }

    static Stream<Arguments> groupVectors() throws IOException {
        return vectors("groups.json").asList().stream().map(JsonElement::getAsJsonObject).map(Arguments::of);
    }

    static Inet6Address v6(String text) throws NodeRecordException {
        return IPv6.of(IPv6.parse(text));
    }

    static PeerKey randomKey(SplittableRandom rnd) throws Exception {
        byte[] seed = new byte[Mp2pIdentity.SEED_LENGTH];
        rnd.nextBytes(seed);
        return Mp2pIdentity.fromSeed(seed).publicKey();
    }

    @Test
    void theVectorFileHasAtLeastEightEntries() throws IOException {
        assertTrue(vectors("groups.json").size() >= 8);
    }

    @ParameterizedTest
    @MethodSource("groupVectors")
    void derivationMatchesTheIndependentVectors(JsonObject v) throws Exception {
        PeerKey key = Mp2pIdentity.fromSeed(HEX.parseHex(v.get("seed").getAsString())).publicKey();
        assertEquals(v.get("public_key").getAsString(), key.toHex());
        assertEquals(v.get("static_hash").getAsString(), HEX.formatHex(GroupAddresses.groupHash(key.encoded())));
        assertEquals(v.get("ipv6_group").getAsString(), IPv6.format(GroupAddresses.ipv6(key).getAddress()));
        JsonObject byScope = v.getAsJsonObject("ipv6_groups_by_scope");
        assertEquals(Ipv6Scope.values().length, byScope.size());
        for (Ipv6Scope scope : Ipv6Scope.values()) {
            String expected = byScope.get(Integer.toHexString(scope.nibble())).getAsString();
            assertEquals(expected, IPv6.format(GroupAddresses.ipv6(key, scope).getAddress()), scope.toString());
        }
        assertEquals(v.get("ipv4_group").getAsString(), GroupAddresses.ipv4(key).getHostAddress());
        Inet6Address prefix = v6(v.get("prefix").getAsString());
        int plen = v.get("prefix_length").getAsInt();
        Inet6Address ff3e = GroupAddresses.unicastPrefixBased(key, prefix, plen);
        assertEquals(v.get("ff3e_group").getAsString(), IPv6.format(ff3e.getAddress()));
        assertArrayEquals(v6(v.get("ff3e_group").getAsString()).getAddress(), ff3e.getAddress());

        GroupEpoch epoch = new GroupEpoch(v.get("epoch").getAsLong());
        assertEquals(v.get("epoch_hash").getAsString(), HEX.formatHex(GroupAddresses.epochHash(key.encoded(), epoch)));
        Ipv6Scope scope = Ipv6Scope.parse(v.get("epoch_ipv6_scope").getAsString());
        assertEquals(v.get("epoch_ipv6_group").getAsString(), IPv6.format(GroupAddresses.ipv6(key, scope, epoch).getAddress()));
        assertEquals(v.get("epoch_ipv4_group").getAsString(), GroupAddresses.ipv4(key, epoch).getHostAddress());
        assertEquals(v.get("epoch_ff3e_group").getAsString(),
                IPv6.format(GroupAddresses.unicastPrefixBased(key, prefix, plen, epoch).getAddress()));
    }

    @Test
    void theEpochHashInputIsLabelKeyAndSigned64BitEpoch() throws Exception {
        // The vector spells the hash input out; hashing it here ties the label and encoding to the hash.
        for (JsonElement e : vectors("groups.json")) {
            JsonObject v = e.getAsJsonObject();
            byte[] input = HEX.parseHex(v.get("epoch_hash_input").getAsString());
            assertEquals(v.get("epoch_hash").getAsString(),
                    HEX.formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(input)));
            assertEquals(GroupAddresses.EPOCH_GROUP_HASH_LABEL.length() + PeerKey.LENGTH + Long.BYTES, input.length);
        }
    }

    @Test
    void ipv4WordReductionMatchesTheVectors() throws Exception {
        JsonArray words = JsonParser.parseString(Files.readString(Path.of(System.getProperty("basedir", "."), "spec",
                "vectors", "groups.json"))).getAsJsonObject().getAsJsonArray("ipv4_words");
        assertTrue(words.size() >= 8);
        for (JsonElement e : words) {
            JsonObject w = e.getAsJsonObject();
            assertEquals(w.get("ipv4_group").getAsString(),
                    GroupAddresses.ipv4FromWord(w.get("word").getAsLong()).getHostAddress(), w.toString());
        }
    }

    @Test
    void everyIpv4GroupHasItsOwnEthernetMac() {
        // RFC 1112 §6.4: the MAC is 01:00:5e followed by the address's low 23 bits. The 18 bits mp2p
        // varies all lie inside them, so no two mp2p groups share a MAC filter.
        java.util.BitSet macs = new java.util.BitSet(1 << MAC_BITS);
        for (int w = 0; w < GroupAddresses.IPV4_RANGE_SIZE; w++) {
            Inet4Address a = GroupAddresses.ipv4FromWord(w);
            assertTrue(GroupAddresses.isMp2pGroup(a), a.toString());
            int mac = java.nio.ByteBuffer.wrap(a.getAddress()).getInt() & ((1 << MAC_BITS) - 1);
            assertFalse(macs.get(mac), a + " shares its MAC");
            macs.set(mac);
        }
        assertEquals(GroupAddresses.IPV4_RANGE_SIZE, macs.cardinality());
        assertEquals("239.192.0.0", GroupAddresses.ipv4FromWord(0).getHostAddress());
        assertEquals("239.195.254.255", GroupAddresses.ipv4FromWord(GroupAddresses.IPV4_RANGE_SIZE - 1).getHostAddress());
    }

    @Test
    void tenThousandKeysLandInRangeAndSpreadEvenly() throws Exception {
        // Ed25519 key generation with full point validation costs ~0.5 ms, so the 10,000 samples are raw
        // 32-byte hash inputs (what the derivation sees); a few real keys check the public entry points agree.
        SplittableRandom rnd = new SplittableRandom(0x6d703270L);
        int[] buckets = new int[BUCKETS];
        Inet6Address prefix = v6("2001:db8::");
        for (int i = 0; i < REAL_KEYS; i++) {
            PeerKey key = randomKey(rnd);
            assertEquals(GroupAddresses.ipv4(key.encoded()), GroupAddresses.ipv4(key));
            assertEquals(GroupAddresses.ipv6(key.encoded()), GroupAddresses.ipv6(key));
            assertEquals(GroupAddresses.unicastPrefixBased(key.encoded(), prefix, 32),
                    GroupAddresses.unicastPrefixBased(key, prefix, 32));
        }
        for (int i = 0; i < RANDOM_KEYS; i++) {
            byte[] key = new byte[PeerKey.LENGTH];
            rnd.nextBytes(key);
            Inet4Address v4 = GroupAddresses.ipv4(key);
            assertTrue(GroupAddresses.isMp2pGroup(v4), v4.toString());
            buckets[bucket(v4)]++;

            byte[] b6 = GroupAddresses.ipv6(key).getAddress();
            assertEquals(0xff, b6[0] & 0xff);
            assertEquals(0x1e, b6[1] & 0xff);

            Inet6Address ff3e = GroupAddresses.unicastPrefixBased(key, prefix, 32);
            assertTrue(GroupAddresses.isMp2pGroup(ff3e));
            assertTrue((ff3e.getAddress()[12] & 0x80) != 0, "dynamic group ID bit");
        }
        assertTrue(chiSquare(buckets) < CHI_SQUARE_BOUND, "chi-square " + chiSquare(buckets));
    }

    /** Which of BUCKETS equal slices of the range an mp2p IPv4 group falls in. */
    private static int bucket(Inet4Address a) {
        int n = java.nio.ByteBuffer.wrap(a.getAddress()).getInt() - GroupAddresses.IPV4_PREFIX;
        return (int) ((long) n * BUCKETS / GroupAddresses.IPV4_RANGE_SIZE);
    }

    private static double chiSquare(int[] counts) {
        double total = 0;
        for (int c : counts) {
            total += c;
        }
        double expected = total / counts.length;
        double chi = 0;
        for (int c : counts) {
            chi += (c - expected) * (c - expected) / expected;
        }
        return chi;
    }

    @Test
    void randomIpv4IsUniformOverTheRange() {
        SplittableRandom rnd = new SplittableRandom(7);
        RandomGenerator source = rnd;
        int[] buckets = new int[BUCKETS];
        for (int i = 0; i < RANDOM_KEYS; i++) {
            Inet4Address a = GroupAddresses.randomIpv4(source);
            assertTrue(GroupAddresses.isMp2pGroup(a), a.toString());
            buckets[bucket(a)]++;
        }
        assertTrue(chiSquare(buckets) < CHI_SQUARE_BOUND, "chi-square " + chiSquare(buckets));
    }

    @Test
    void randomIpv4RedrawsTheReservedTopBlockInsteadOfFoldingIt() {
        Deque<byte[]> draws = new ArrayDeque<>();
        draws.add(new byte[] {0x03, (byte) 0xff, 0x00});             // low 18 bits 261888: the reserved /24
        draws.add(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}); // 262143, reserved too
        draws.add(new byte[] {(byte) 0xfc, 0x00, 0x05});             // the top 6 bits are not used: 5
        RandomGenerator scripted = new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new AssertionError("only nextBytes is used");
            }

            @Override
            public void nextBytes(byte[] out) {
                System.arraycopy(draws.remove(), 0, out, 0, out.length);
            }
        };
        assertEquals("239.192.0.5", GroupAddresses.randomIpv4(scripted).getHostAddress());
        assertTrue(draws.isEmpty());
    }

    @Test
    void randomIpv6TakesTheScope() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (Ipv6Scope scope : Ipv6Scope.values()) {
            Inet6Address g = GroupAddresses.randomIpv6(rnd, scope);
            assertEquals(0x10 | scope.nibble(), g.getAddress()[1] & 0xff);
            assertTrue(GroupAddresses.isMp2pGroup(g));
        }
    }

    @Test
    void randomIpv6AndPrefixBasedGroupsAreInTheirRanges() throws Exception {
        SplittableRandom rnd = new SplittableRandom(11);
        RandomGenerator source = rnd;
        Inet6Address prefix = v6("2001:db8:aaaa:bbbb:cccc::1");
        for (int i = 0; i < 1000; i++) {
            byte[] a = GroupAddresses.randomIpv6(source).getAddress();
            assertEquals(0xff, a[0] & 0xff);
            assertEquals(0x1e, a[1] & 0xff);
            int plen = 1 + rnd.nextInt(64);
            Inet6Address g = GroupAddresses.randomUnicastPrefixBased(source, prefix, plen);
            byte[] b = g.getAddress();
            assertTrue(GroupAddresses.isMp2pGroup(g));
            assertEquals(0x3e, b[1] & 0xff);
            assertEquals(plen, b[3]);
            assertTrue((b[12] & 0x80) != 0);
        }
        assertEquals("ff3e:30:2001:db8:aaaa:0:", IPv6.format(
                GroupAddresses.randomUnicastPrefixBased(source, prefix, 48).getAddress()).substring(0, 24));
    }

    @Test
    void theNetworkPrefixIsMaskedToThePrefixLength() throws Exception {
        PeerKey key = randomKey(new SplittableRandom(3));
        byte[] a = GroupAddresses.unicastPrefixBased(key, v6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), 36).getAddress();
        assertArrayEquals(HEX.parseHex("ff3e002420010db8f0000000"), java.util.Arrays.copyOf(a, 12));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65, 128, Integer.MAX_VALUE})
    void prefixLengthsOutside1To64AreRefused(int plen) throws Exception {
        PeerKey key = randomKey(new SplittableRandom(plen));
        AddressException e = assertThrows(AddressException.class,
                () -> GroupAddresses.unicastPrefixBased(key, v6("2001:db8::"), plen));
        assertEquals(AddressException.Reason.PREFIX_LENGTH, e.reason());
        assertTrue(e.getMessage().contains("1 to 64"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fe80::1", "::1", "::", "fc00::1", "ff1e::1", "4000::"})
    void nonGlobalUnicastPrefixesAreRefused(String prefix) throws Exception {
        PeerKey key = randomKey(new SplittableRandom(5));
        AddressException e = assertThrows(AddressException.class,
                () -> GroupAddresses.unicastPrefixBased(key, v6(prefix), 48));
        assertEquals(AddressException.Reason.NOT_GLOBAL_UNICAST, e.reason());
        assertTrue(e.getMessage().contains("2000::/3"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ff1e::", "ff1e:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ff12::1", "ff15::", "ff18::abcd",
            "ff3e:1::", "ff3e:40:2001:db8::8000:1", "239.192.0.0", "239.195.254.255", "239.193.71.249", "239.194.0.1"})
    void theseAreMp2pGroups(String text) throws Exception {
        assertTrue(GroupAddresses.isMp2pGroup(address(text)), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"224.0.224.0", "224.0.249.255", "224.0.237.17", "239.191.255.255", "239.196.0.0",
            "239.195.255.0", "239.195.255.255", "239.255.0.1", "224.192.0.1", "10.0.0.1",
            "ff0e::1", "ff1f::1", "ff11::1", "ff13::1", "ff14::1", "ff1d::1", "ff02::1", "ff3e::1", "ff3e:41::1",
            "ff3e:100:2001:db8::1", "ff3f:20::1", "ff35:20:2001:db8::1", "2001:db8::1", "::ffff:239.192.0.1"})
    void theseAreNot(String text) throws Exception {
        assertFalse(GroupAddresses.isMp2pGroup(address(text)), text);
    }

    @Test
    void nullIsNotAGroup() {
        assertFalse(GroupAddresses.isMp2pGroup(null));
    }

    static InetAddress parseAny(String text) throws Exception {
        return address(text);
    }

    private static InetAddress address(String text) throws Exception {
        if (text.contains(".") && text.contains(":")) {
            // IPv4-mapped: build the 16 bytes by hand so it stays an Inet6Address.
            byte[] a = new byte[16];
            a[10] = (byte) 0xff;
            a[11] = (byte) 0xff;
            String[] parts = text.substring(text.lastIndexOf(':') + 1).split("\\.");
            for (int i = 0; i < 4; i++) {
                a[12 + i] = (byte) Integer.parseInt(parts[i]);
            }
            return IPv6.of(a);
        }
        if (text.contains(":")) {
            return v6(text);
        }
        String[] parts = text.split("\\.");
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            a[i] = (byte) Integer.parseInt(parts[i]);
        }
        return InetAddress.getByAddress(a);
    }
}
