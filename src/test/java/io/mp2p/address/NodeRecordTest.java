package io.mp2p.address;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.mp2p.identity.Mp2pIdentity;

class NodeRecordTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Instant EXPIRES = Instant.ofEpochSecond(1_767_225_600L);
    private static final Instant BEFORE = EXPIRES.minusSeconds(1);
    private static final int FUZZ_CASES = 10_000;

    private static Mp2pIdentity identity(int b) throws Exception {
        byte[] seed = new byte[Mp2pIdentity.SEED_LENGTH];
        java.util.Arrays.fill(seed, (byte) b);
        return Mp2pIdentity.fromSeed(seed);
    }

    private static NodeRecord sample() throws Exception {
        Mp2pIdentity id = identity(1);
        return NodeRecord.sign(id, GroupAddresses.ipv6(id.publicKey()), GroupAddresses.DEFAULT_PORT, EXPIRES);
    }

    static Stream<Arguments> recordVectors() throws Exception {
        return GroupAddressesTest.vectors("node-records.json").asList().stream()
                .map(JsonElement::getAsJsonObject).map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("recordVectors")
    void signingMatchesTheIndependentVectors(JsonObject v) throws Exception {
        Mp2pIdentity id = Mp2pIdentity.fromSeed(HEX.parseHex(v.get("seed").getAsString()));
        InetAddress group = GroupAddressesTest.parseAny(v.get("group").getAsString());
        Instant expires = Instant.ofEpochSecond(v.get("expires").getAsLong());
        java.util.List<java.net.InetSocketAddress> endpoints = new java.util.ArrayList<>();
        if (v.has("endpoints")) {
            for (JsonElement e : v.getAsJsonArray("endpoints")) {
                endpoints.add(endpoint(e.getAsString()));
            }
        }
        NodeRecord r = NodeRecord.sign(id, group, v.get("port").getAsInt(), expires, endpoints,
                UnicastEndpoints.Policy.ROUTABLE);
        assertEquals(v.get("signed_bytes").getAsString(), HEX.formatHex(r.signedBytes()));
        assertEquals(v.get("signature").getAsString(), HEX.formatHex(r.signature()));
        assertEquals(v.get("text").getAsString(), r.toText());
        NodeRecord parsed = NodeRecord.parse(v.get("text").getAsString());
        assertEquals(r, parsed);
        assertEquals(NodeRecord.Verdict.VALID, parsed.verify(expires.minusSeconds(1)));
        assertEquals(NodeRecord.Verdict.EXPIRED, parsed.verify(expires));
        assertEquals(endpoints, parsed.endpoints());
    }

    /** "[v6]:port" or "v4:port", by the JDK's parser: independent of the record parser under test. */
    static java.net.InetSocketAddress endpoint(String text) throws Exception {
        int colon = text.lastIndexOf(':');
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        return new java.net.InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(text.substring(colon + 1)));
    }

    @Test
    void randomRecordsRoundTripThroughText() throws Exception {
        SplittableRandom rnd = new SplittableRandom(99);
        RandomGenerator source = rnd;
        Mp2pIdentity id = identity(9);
        for (int i = 0; i < 300; i++) {
            InetAddress group = switch (i % 3) {
                case 0 -> GroupAddresses.randomIpv4(source);
                case 1 -> GroupAddresses.randomIpv6(source);
                default -> GroupAddresses.randomUnicastPrefixBased(source,
                        GroupAddressesTest.v6("2001:db8:1:2::"), 1 + rnd.nextInt(64));
            };
            int port = 1 + rnd.nextInt(65535);
            Instant expires = Instant.ofEpochSecond(rnd.nextLong(NodeRecord.MAX_EXPIRES_SECONDS + 1));
            NodeRecord r = NodeRecord.sign(id, group, port, expires);
            String text = r.toText();
            NodeRecord back = NodeRecord.parse(text);
            assertEquals(r, back, text);
            assertEquals(r.hashCode(), back.hashCode());
            assertEquals(text, back.toText());
            assertTrue(text.length() <= NodeRecord.MAX_TEXT_LENGTH);
        }
    }

    @Test
    void nonCanonicalSpellingsParseToTheSameRecord() throws Exception {
        NodeRecord r = sample();
        String text = r.toText();
        String key = r.key().toHex();
        String full = HEX.formatHex(r.group().getAddress()).replaceAll("(....)(?!$)", "$1:").toUpperCase();
        String respelled = text.replace(key, key.toUpperCase()).replaceFirst("\\[[^]]*]", "[" + full + "]")
                .replaceFirst("\\?(expires=\\d+)&(sig=[^&]+)$", "?$2&$1");
        assertNotEquals(text, respelled);
        NodeRecord back = NodeRecord.parse(respelled);
        assertEquals(r, back);
        assertEquals(text, back.toText());
        assertEquals(NodeRecord.Verdict.VALID, back.verify(BEFORE));
    }

    @Test
    void tamperingWithAnyFieldBreaksTheSignature() throws Exception {
        NodeRecord r = sample();
        assertEquals(NodeRecord.Verdict.VALID, r.verify(BEFORE));
        Mp2pIdentity other = identity(2);
        byte[] sig = r.signature();
        sig[10] ^= 1;
        NodeRecord[] tampered = {
            NodeRecord.of(other.publicKey(), r.group(), r.port(), r.expires(), r.signature()),
            NodeRecord.of(r.key(), GroupAddresses.ipv6(other.publicKey()), r.port(), r.expires(), r.signature()),
            NodeRecord.of(r.key(), r.group(), r.port() + 1, r.expires(), r.signature()),
            NodeRecord.of(r.key(), r.group(), r.port(), r.expires().plusSeconds(1), r.signature()),
            NodeRecord.of(r.key(), r.group(), r.port(), r.expires(), sig),
        };
        for (NodeRecord t : tampered) {
            assertEquals(NodeRecord.Verdict.BAD_SIGNATURE, t.verify(BEFORE), t.toText());
        }
    }

    @Test
    void tamperingWithTheTextBreaksTheSignature() throws Exception {
        String text = sample().toText();
        String[] edits = {
            text.replace(":41414?", ":41415?"),
            text.replace("expires=1767225600", "expires=1767225601"),
            text.replace("[ff1e:e5f9:", "[ff1e:e5f8:"),
        };
        for (String edit : edits) {
            assertNotEquals(text, edit);
            assertEquals(NodeRecord.Verdict.BAD_SIGNATURE, NodeRecord.parse(edit).verify(BEFORE), edit);
        }
    }

    @Test
    void aRecordSignedByAnotherKeyIsBad() throws Exception {
        NodeRecord r = sample();
        Mp2pIdentity mallory = identity(3);
        NodeRecord forged = NodeRecord.sign(mallory, r.group(), r.port(), r.expires());
        NodeRecord claimed = NodeRecord.of(r.key(), r.group(), r.port(), r.expires(), forged.signature());
        assertEquals(NodeRecord.Verdict.BAD_SIGNATURE, claimed.verify(BEFORE));
    }

    @Test
    void expiryIsExclusive() throws Exception {
        NodeRecord r = sample();
        assertEquals(NodeRecord.Verdict.VALID, r.verify(EXPIRES.minusNanos(1)));
        assertEquals(NodeRecord.Verdict.EXPIRED, r.verify(EXPIRES));
        assertEquals(NodeRecord.Verdict.EXPIRED, r.verify(EXPIRES.plusSeconds(86_400)));
    }

    @Test
    void aCorrectlySignedRecordForANonGroupIsNotAGroup() throws Exception {
        Mp2pIdentity id = identity(4);
        InetAddress unicast = GroupAddressesTest.parseAny("2001:db8::1");
        NodeRecord unsigned = NodeRecord.of(id.publicKey(), unicast, 1, EXPIRES, new byte[NodeRecord.SIGNATURE_LENGTH]);
        NodeRecord r = NodeRecord.of(id.publicKey(), unicast, 1, EXPIRES, id.sign(unsigned.signedBytes()));
        assertEquals(NodeRecord.Verdict.NOT_A_GROUP, r.verify(BEFORE));
        NodeRecord parsed = NodeRecord.parse(r.toText());
        assertEquals(NodeRecord.Verdict.NOT_A_GROUP, parsed.verify(BEFORE));
    }

    static Stream<Arguments> badSignArguments() throws Exception {
        InetAddress group = GroupAddressesTest.parseAny("239.192.0.1");
        return Stream.of(
                Arguments.of(GroupAddressesTest.parseAny("239.1.1.1"), 1, EXPIRES, NodeRecordException.Reason.NOT_A_GROUP),
                // Version 1's range, in IANA's AD-HOC block I, is no longer an mp2p group.
                Arguments.of(GroupAddressesTest.parseAny("224.0.224.1"), 1, EXPIRES, NodeRecordException.Reason.NOT_A_GROUP),
                // The top /24 of 239.192.0.0/14 is kept for RFC 2365 relative assignments.
                Arguments.of(GroupAddressesTest.parseAny("239.195.255.1"), 1, EXPIRES, NodeRecordException.Reason.NOT_A_GROUP),
                Arguments.of(null, 1, EXPIRES, NodeRecordException.Reason.NOT_A_GROUP),
                Arguments.of(group, 0, EXPIRES, NodeRecordException.Reason.PORT),
                Arguments.of(group, 65536, EXPIRES, NodeRecordException.Reason.PORT),
                Arguments.of(group, 1, EXPIRES.plusMillis(1), NodeRecordException.Reason.EXPIRES),
                Arguments.of(group, 1, Instant.ofEpochSecond(-1), NodeRecordException.Reason.EXPIRES),
                Arguments.of(group, 1, null, NodeRecordException.Reason.EXPIRES));
    }

    @ParameterizedTest
    @MethodSource("badSignArguments")
    void signRefusesBadFields(InetAddress group, int port, Instant expires, NodeRecordException.Reason reason)
            throws Exception {
        Mp2pIdentity id = identity(5);
        NodeRecordException e = assertThrows(NodeRecordException.class, () -> NodeRecord.sign(id, group, port, expires));
        assertEquals(reason, e.reason(), e.getMessage());
    }

    static Stream<Arguments> badTexts() throws Exception {
        String good = sample().toText();
        String key = sample().key().toHex();
        String sig = good.substring(good.indexOf("&sig=") + 5);
        String base = "mp2p://" + key + "@239.192.0.1:41414";
        return Stream.of(
                Arguments.of("", NodeRecordException.Reason.LENGTH, "empty"),
                Arguments.of(good + "x".repeat(NodeRecord.MAX_TEXT_LENGTH), NodeRecordException.Reason.LENGTH, "at most"),
                Arguments.of(good.replace("mp2p://", "http://"), NodeRecordException.Reason.SCHEME, "mp2p://"),
                Arguments.of(good.replace("mp2p://", "MP2P://"), NodeRecordException.Reason.SCHEME, "mp2p://"),
                Arguments.of("mp2p://" + key, NodeRecordException.Reason.KEY, "'@'"),
                Arguments.of(good.replace(key, key.substring(1)), NodeRecordException.Reason.KEY, "64 hex"),
                Arguments.of(good.replace(key, "g" + key.substring(1)), NodeRecordException.Reason.KEY, "0-9"),
                Arguments.of(good.replace(key, "00" + key.substring(2)), NodeRecordException.Reason.KEY, "curve"),
                Arguments.of(good.replace(key, "\uff10" + key.substring(1)), NodeRecordException.Reason.KEY, "\\uff10"),
                Arguments.of(good.replace("]:41414", ":41414"), NodeRecordException.Reason.ADDRESS, "]"),
                Arguments.of(good.replace("[", "").replace("]", ""), NodeRecordException.Reason.ADDRESS, "brackets"),
                Arguments.of(good.replace("[ff1e:", "[ff1e::1:"), NodeRecordException.Reason.ADDRESS, "::"),
                Arguments.of(base.replace("239.192.0.1", "239.192.0") + "?expires=1&sig=" + sig,
                        NodeRecordException.Reason.ADDRESS, "four"),
                Arguments.of(base.replace("239.192.0.1", "239.192.0.01") + "?expires=1&sig=" + sig,
                        NodeRecordException.Reason.ADDRESS, "leading zeros"),
                Arguments.of(base.replace("239.192.0.1", "239.192.0.256") + "?expires=1&sig=" + sig,
                        NodeRecordException.Reason.ADDRESS, "0 to 255"),
                Arguments.of(base.replace("239.192.0.1", "mp2p.example") + "?expires=1&sig=" + sig,
                        NodeRecordException.Reason.ADDRESS, "four"),
                Arguments.of(good.replace("]:41414", "]41414"), NodeRecordException.Reason.PORT, "':'"),
                Arguments.of(base.replace(":41414", "") + "?expires=1&sig=" + sig, NodeRecordException.Reason.PORT, "':'"),
                Arguments.of(good.replace(":41414", ":0"), NodeRecordException.Reason.PORT, "1 to 65535"),
                Arguments.of(good.replace(":41414", ":65536"), NodeRecordException.Reason.PORT, "1 to 65535"),
                Arguments.of(good.replace(":41414", ":041414"), NodeRecordException.Reason.PORT, "1 to 65535"),
                Arguments.of(good.replace(":41414", ":+4141"), NodeRecordException.Reason.PORT, "1 to 65535"),
                Arguments.of(good.replace(":41414", ":"), NodeRecordException.Reason.PORT, "1 to 65535"),
                Arguments.of(base, NodeRecordException.Reason.MISSING_PARAMETER, "?expires="),
                Arguments.of(base + "?sig=" + sig, NodeRecordException.Reason.MISSING_PARAMETER, "\"expires\""),
                Arguments.of(base + "?expires=1", NodeRecordException.Reason.MISSING_PARAMETER, "\"sig\""),
                Arguments.of(base + "?expires=1&expires=2&sig=" + sig, NodeRecordException.Reason.DUPLICATE_PARAMETER, "expires"),
                Arguments.of(base + "?expires=1&sig=a&sig=b", NodeRecordException.Reason.DUPLICATE_PARAMETER, "sig"),
                Arguments.of(base + "?expires=1&ttl=3&sig=" + sig, NodeRecordException.Reason.UNKNOWN_PARAMETER, "\"ttl\""),
                Arguments.of(base + "?expires=1&&sig=" + sig, NodeRecordException.Reason.UNKNOWN_PARAMETER, "name=value"),
                Arguments.of(base + "?expires=1&sig", NodeRecordException.Reason.UNKNOWN_PARAMETER, "name=value"),
                Arguments.of(base + "?expires=-1&sig=" + sig, NodeRecordException.Reason.EXPIRES, "unix seconds"),
                Arguments.of(base + "?expires=01&sig=" + sig, NodeRecordException.Reason.EXPIRES, "leading zeros"),
                Arguments.of(base + "?expires=&sig=" + sig, NodeRecordException.Reason.EXPIRES, "unix seconds"),
                Arguments.of(base + "?expires=31556889864403200&sig=" + sig, NodeRecordException.Reason.EXPIRES, "31556889864403199"),
                Arguments.of(base + "?expires=99999999999999999999&sig=" + sig, NodeRecordException.Reason.EXPIRES, "unix seconds"),
                Arguments.of(base + "?expires=1&sig=" + sig.substring(1), NodeRecordException.Reason.SIGNATURE_ENCODING, "86"),
                Arguments.of(base + "?expires=1&sig=" + sig + "==", NodeRecordException.Reason.SIGNATURE_ENCODING, "86"),
                Arguments.of(base + "?expires=1&sig=+" + sig.substring(1), NodeRecordException.Reason.SIGNATURE_ENCODING, "'+'"),
                Arguments.of(base + "?expires=1&sig=" + sig.substring(0, 85) + "B",
                        NodeRecordException.Reason.SIGNATURE_ENCODING, "canonical"));
    }

    @ParameterizedTest
    @MethodSource("badTexts")
    void badTextsAreRefusedSayingWhatIsWrong(String text, NodeRecordException.Reason reason, String fragment) {
        NodeRecordException e = assertThrows(NodeRecordException.class, () -> NodeRecord.parse(text));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void nullIsRefusedLikeAnyBadText() {
        NodeRecordException e = assertThrows(NodeRecordException.class, () -> NodeRecord.parse(null));
        assertEquals(NodeRecordException.Reason.LENGTH, e.reason());
    }

    private static final String ALPHABET = "mp2:/@[]?&=.0123456789abcdefABCDEFxyz-_+%# \u0000\u00e9\u0661\uff10";

    @Test
    void randomStringsNeverThrowUnchecked() {
        SplittableRandom rnd = new SplittableRandom(2024);
        int parsed = 0;
        for (int i = 0; i < FUZZ_CASES; i++) {
            StringBuilder sb = new StringBuilder(rnd.nextBoolean() ? "mp2p://" : "");
            int len = rnd.nextInt(300);
            for (int k = 0; k < len; k++) {
                sb.append(rnd.nextInt(4) == 0 ? (char) rnd.nextInt(Character.MAX_VALUE + 1)
                        : ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
            }
            parsed += parseQuietly(sb.toString()) == null ? 0 : 1;
        }
        assertEquals(0, parsed, "random strings should not be well-formed records");
    }

    @Test
    void mutatedRecordsNeverThrowUncheckedAndNeverVerifyUnlessUnchanged() throws Exception {
        NodeRecord original = sample();
        String good = original.toText();
        SplittableRandom rnd = new SplittableRandom(77);
        int rejected = 0;
        for (int i = 0; i < FUZZ_CASES; i++) {
            StringBuilder sb = new StringBuilder(good);
            int edits = 1 + rnd.nextInt(3);
            for (int e = 0; e < edits && sb.length() > 0; e++) {
                int at = rnd.nextInt(sb.length());
                char c = ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
                switch (rnd.nextInt(4)) {
                    case 0 -> sb.setCharAt(at, c);
                    case 1 -> sb.insert(at, c);
                    case 2 -> sb.deleteCharAt(at);
                    default -> sb.setLength(at);
                }
            }
            NodeRecord r = parseQuietly(sb.toString());
            if (r == null) {
                rejected++;
            } else if (r.verify(BEFORE) == NodeRecord.Verdict.VALID) {
                assertEquals(original, r, sb.toString());
            }
        }
        assertTrue(rejected > FUZZ_CASES / 2, "most mutations are malformed, got " + rejected + " rejections");
    }

    private static NodeRecord parseQuietly(String text) {
        try {
            return NodeRecord.parse(text);
        } catch (NodeRecordException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            return null;
        } catch (RuntimeException e) {
            fail("unchecked " + e + " for input \"" + NodeRecordException.printable(text) + "\"");
            return null;
        }
    }

    @Test
    void accessorsReturnCopies() throws Exception {
        NodeRecord r = sample();
        byte[] sig = r.signature();
        sig[0] ^= 1;
        assertArrayEquals(sample().signature(), r.signature());
        assertEquals(r.toText(), r.toString());
    }
}
