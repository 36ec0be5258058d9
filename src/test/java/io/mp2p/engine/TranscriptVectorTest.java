package io.mp2p.engine;

import io.mp2p.CipherSuite;
import io.mp2p.DropReason;
import io.mp2p.EngineMetrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.mp2p.cookie.CookieChecker;
import io.mp2p.cookie.CookieGenerator;
import io.mp2p.cookie.CookieReplyKey;
import io.mp2p.cookie.CookieResult;
import io.mp2p.cookie.Mac1;
import io.mp2p.cookie.ResponseAuth;
import io.mp2p.address.GroupAddresses;
import io.mp2p.crypto.DhKeyPair;
import io.mp2p.crypto.RandomSource;
import io.mp2p.crypto.X25519Function;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.noise.CipherState;
import io.mp2p.noise.CipherStatePair;
import io.mp2p.noise.HandshakeState;
import io.mp2p.noise.NoiseProtocol;
import io.mp2p.wire.CookieReply;
import io.mp2p.wire.Frames;
import io.mp2p.wire.HandshakeInitiation;
import io.mp2p.wire.HandshakeResponse;
import io.mp2p.wire.InitiationPayload;
import io.mp2p.wire.Parsed;
import io.mp2p.wire.Tai64n;
import io.mp2p.wire.TransportData;

/**
 * Reproduces, byte for byte, the handshake transcript of spec/vectors/transcript.json (spec/PROTOCOL.md §9),
 * which was computed independently of this code from the specification alone.
 */
class TranscriptVectorTest {
    private static final HexFormat HEX = HexFormat.of();

    private static JsonObject v;
    private static JsonObject inputs;

    @BeforeAll
    static void load() throws Exception {
        Path path = Path.of(System.getProperty("basedir", "."), "spec", "vectors", "transcript.json");
        v = JsonParser.parseString(Files.readString(path)).getAsJsonObject();
        inputs = v.getAsJsonObject("inputs");
    }

    private static byte[] hex(JsonObject o, String name) {
        return HEX.parseHex(o.get(name).getAsString());
    }

    private static int index(String name) {
        return (int) Long.parseLong(inputs.get(name).getAsString(), 16);
    }

    private static void assertHex(JsonObject o, String name, byte[] actual) {
        assertEquals(o.get(name).getAsString(), HEX.formatHex(actual), name);
    }

    /** Everything the two sides compute, built with the project's code from the vector's inputs. */
    private static final class Transcript {
        Mp2pIdentity initiator;
        Mp2pIdentity responder;
        DhKeyPair initiatorStatic;
        DhKeyPair responderStatic;
        DhKeyPair initiatorEphemeral;
        DhKeyPair responderEphemeral;
        byte[] timestamp;
        byte[] prologue;
        byte[] payload;
        byte[] initiation = new byte[HandshakeInitiation.LENGTH];
        byte[] hashAfterInitiation;
        byte[] response = new byte[HandshakeResponse.LENGTH];
        HandshakeState initiatorState;
        HandshakeState responderState;
        byte[] payloadReadByResponder = new byte[InitiationPayload.LENGTH];
        int payloadReadLength;
        byte[] responsePayloadRead = new byte[HandshakeResponse.PAYLOAD_LENGTH];
        int responsePayloadReadLength;
        CipherStatePair initiatorKeys;
        CipherStatePair responderKeys;
    }

    private static Transcript run() throws Exception {
        return run(inputs.get("reply_address").getAsString());
    }

    /** The transcript of the vector's inputs, but with {@code replyAddress} in the initiation payload. */
    private static Transcript run(String replyAddress) throws Exception {
        Transcript t = new Transcript();
        NoiseProtocol protocol = NoiseProtocol.parse(inputs.get("noise_protocol_name").getAsString());
        assertEquals(CipherSuite.AESGCM_SHA256, CipherSuite.fromId(inputs.get("suite").getAsInt()));
        assertEquals(CipherSuite.AESGCM_SHA256.noiseProtocolName(), protocol.name());

        t.initiator = Mp2pIdentity.fromSeed(hex(inputs, "initiator_ed25519_seed"));
        t.responder = Mp2pIdentity.fromSeed(hex(inputs, "responder_ed25519_seed"));
        t.initiatorStatic = new DhKeyPair(t.initiator.x25519PrivateKey(), t.initiator.x25519PublicKey());
        t.responderStatic = new DhKeyPair(t.responder.x25519PrivateKey(), t.responder.x25519PublicKey());
        byte[] ie = hex(inputs, "initiator_ephemeral_private");
        byte[] re = hex(inputs, "responder_ephemeral_private");
        t.initiatorEphemeral = new DhKeyPair(ie, X25519Function.INSTANCE.publicKey(ie));
        t.responderEphemeral = new DhKeyPair(re, X25519Function.INSTANCE.publicKey(re));

        t.timestamp = Tai64n.fromUnixNanos(Long.parseLong(inputs.get("timestamp_unix_nanos").getAsString()));
        InetSocketAddress reply = new InetSocketAddress(
                InetAddress.getByName(replyAddress), inputs.get("reply_port").getAsInt());

        // Initiator: message 1 (spec §4.2, §6.2 step 1).
        HandshakeInitiation.writeHeader(t.initiation, 0, inputs.get("suite").getAsInt(), index("initiator_sender_index"));
        t.prologue = Handshakes.prologue(t.initiation, 0);
        t.initiatorState = HandshakeState.builder(protocol).initiator(true).prologue(t.prologue)
                .localStatic(t.initiatorStatic).localEphemeral(t.initiatorEphemeral)
                .remoteStatic(t.responder.x25519PublicKey()).build();
        t.payload = InitiationPayload.encode(t.initiator.publicKey(), t.timestamp, reply, hex(inputs, "response_key"));
        int n = t.initiatorState.writeMessage(t.payload, 0, t.payload.length, t.initiation,
                HandshakeInitiation.NOISE_OFFSET);
        assertEquals(HandshakeInitiation.NOISE_LENGTH, n);
        t.hashAfterInitiation = t.initiatorState.handshakeHash();
        Mac1.compute(Mac1.key(t.responder.publicKey()), t.initiation, 0, HandshakeInitiation.MAC1_OFFSET,
                t.initiation, HandshakeInitiation.MAC1_OFFSET);
        // mac2 stays zero: no cookie.

        // Responder: reads message 1 (it knows only its own keys), writes message 2.
        t.responderState = HandshakeState.builder(protocol).initiator(false)
                .prologue(Handshakes.prologue(t.initiation, 0)).localStatic(t.responderStatic)
                .localEphemeral(t.responderEphemeral).build();
        t.payloadReadLength = t.responderState.readMessage(t.initiation, HandshakeInitiation.NOISE_OFFSET,
                HandshakeInitiation.NOISE_LENGTH, t.payloadReadByResponder, 0);
        HandshakeResponse.writeHeader(t.response, 0, index("initiator_sender_index"));
        byte[] rp = HandshakeResponse.encodePayload(index("responder_sender_index"));
        n = t.responderState.writeMessage(rp, 0, rp.length, t.response, HandshakeResponse.NOISE_OFFSET);
        assertEquals(HandshakeResponse.NOISE_LENGTH, n);
        // The responder keys response_auth with the response_key it read from the payload (spec §4.3).
        byte[] readKey = InitiationPayload.parse(t.payloadReadByResponder, 0, t.payloadReadLength).value().responseKey();
        ResponseAuth.write(readKey, t.response, 0);
        Mac1.compute(Mac1.key(t.initiator.publicKey()), t.response, 0, HandshakeResponse.MAC1_OFFSET,
                t.response, HandshakeResponse.MAC1_OFFSET);

        // Initiator: reads message 2.
        t.responsePayloadReadLength = t.initiatorState.readMessage(t.response, HandshakeResponse.NOISE_OFFSET,
                HandshakeResponse.NOISE_LENGTH, t.responsePayloadRead, 0);
        t.initiatorKeys = t.initiatorState.split();
        t.responderKeys = t.responderState.split();
        return t;
    }

    @Test
    void identities() throws Exception {
        Transcript t = run();
        JsonObject i = v.getAsJsonObject("initiator");
        JsonObject r = v.getAsJsonObject("responder");
        assertHex(i, "ed25519_public", t.initiator.publicKey().encoded());
        assertHex(i, "x25519_private", t.initiator.x25519PrivateKey());
        assertHex(i, "x25519_public", t.initiator.x25519PublicKey());
        assertHex(i, "ephemeral_public", t.initiatorEphemeral.publicKey());
        assertHex(i, "mac1_key", Mac1.key(t.initiator.publicKey()));
        assertHex(r, "ed25519_public", t.responder.publicKey().encoded());
        assertHex(r, "x25519_private", t.responder.x25519PrivateKey());
        assertHex(r, "x25519_public", t.responder.x25519PublicKey());
        assertHex(r, "ephemeral_public", t.responderEphemeral.publicKey());
        assertHex(r, "mac1_key", Mac1.key(t.responder.publicKey()));
        // The X25519 private key really is the private half of the X25519 public key.
        assertArrayEquals(t.initiator.x25519PublicKey(), X25519Function.INSTANCE.publicKey(t.initiator.x25519PrivateKey()));
        assertArrayEquals(t.responder.x25519PublicKey(), X25519Function.INSTANCE.publicKey(t.responder.x25519PrivateKey()));
    }

    @Test
    void timestamp() {
        long unixNanos = Long.parseLong(inputs.get("timestamp_unix_nanos").getAsString());
        long rounded = Long.parseLong(inputs.get("timestamp_unix_nanos_rounded").getAsString());
        assertEquals(0, rounded % (1L << 24));
        assertTrue(rounded <= unixNanos && unixNanos - rounded < (1L << 24));
        assertHex(v, "timestamp_tai64n", Tai64n.fromUnixNanos(unixNanos));
        assertHex(v, "timestamp_tai64n", Tai64n.fromUnixNanos(rounded));
    }

    @Test
    void initiation() throws Exception {
        Transcript t = run();
        assertHex(v, "prologue", t.prologue);
        assertArrayEquals("mp2p/1".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(t.prologue, 6));
        assertHex(v, "initiation_payload", t.payload);
        assertHex(v, "handshake_hash_after_initiation", t.hashAfterInitiation);
        assertHex(v, "initiation", t.initiation);
        assertEquals(HandshakeInitiation.LENGTH, hex(v, "initiation").length);
        assertTrue(HandshakeInitiation.parse(t.initiation, 0, t.initiation.length).isOk());
    }

    @Test
    void handshakeHashBeforeMessage1() throws Exception {
        byte[] header = new byte[HandshakeInitiation.LENGTH];
        HandshakeInitiation.writeHeader(header, 0, inputs.get("suite").getAsInt(), index("initiator_sender_index"));
        Mp2pIdentity responder = Mp2pIdentity.fromSeed(hex(inputs, "responder_ed25519_seed"));
        byte[] e = hex(inputs, "initiator_ephemeral_private");
        Mp2pIdentity initiator = Mp2pIdentity.fromSeed(hex(inputs, "initiator_ed25519_seed"));
        HandshakeState hs = HandshakeState.builder(Suites.protocol(CipherSuite.AESGCM_SHA256)).initiator(true)
                .prologue(Handshakes.prologue(header, 0))
                .localStatic(new DhKeyPair(initiator.x25519PrivateKey(), initiator.x25519PublicKey()))
                .localEphemeral(new DhKeyPair(e, X25519Function.INSTANCE.publicKey(e)))
                .remoteStatic(responder.x25519PublicKey()).build();
        assertHex(v, "handshake_hash_initial", hs.handshakeHash());
    }

    @Test
    void responderReadsTheInitiation() throws Exception {
        Transcript t = run();
        assertEquals(InitiationPayload.LENGTH, t.payloadReadLength);
        assertHex(v, "initiation_payload", t.payloadReadByResponder);
        assertArrayEquals(t.initiator.x25519PublicKey(), t.responderState.remoteStaticPublicKey());
        Parsed<InitiationPayload> parsed = InitiationPayload.parse(t.payloadReadByResponder, 0, t.payloadReadLength);
        assertTrue(parsed.isOk());
        InitiationPayload p = parsed.value();
        assertEquals(t.initiator.publicKey(), p.identity());
        assertArrayEquals(p.identity().x25519PublicKey(), t.responderState.remoteStaticPublicKey());
        assertHex(v, "timestamp_tai64n", p.timestamp());
        assertEquals(inputs.get("reply_family").getAsInt(), p.replyFamily());
        assertNotNull(p.replyAddress());
        assertEquals(inputs.get("reply_address").getAsString(), p.replyAddress().getAddress().getHostAddress());
        assertEquals(inputs.get("reply_port").getAsInt(), p.replyAddress().getPort());
        // mac1 of the vector's initiation, keyed by the responder's key.
        byte[] initiation = hex(v, "initiation");
        byte[] mac = new byte[Mac1.LENGTH];
        Mac1.compute(hex(v.getAsJsonObject("responder"), "mac1_key"), initiation, 0, HandshakeInitiation.MAC1_OFFSET,
                mac, 0);
        assertArrayEquals(Arrays.copyOfRange(initiation, HandshakeInitiation.MAC1_OFFSET,
                HandshakeInitiation.MAC2_OFFSET), mac);
        assertArrayEquals(new byte[16], Arrays.copyOfRange(initiation, HandshakeInitiation.MAC2_OFFSET,
                HandshakeInitiation.LENGTH));
    }

    @Test
    void responseAndInitiatorReadsIt() throws Exception {
        Transcript t = run();
        assertHex(v, "response_auth", Arrays.copyOfRange(t.response, HandshakeResponse.AUTH_OFFSET,
                HandshakeResponse.MAC1_OFFSET));
        assertTrue(ResponseAuth.verify(hex(inputs, "response_key"), hex(v, "response"), 0),
                "the initiator accepts the vector's response_auth under its response_key");
        byte[] forged = hex(v, "response");
        forged[HandshakeResponse.AUTH_OFFSET] ^= 1;
        assertFalse(ResponseAuth.verify(hex(inputs, "response_key"), forged, 0));
        assertHex(v, "response", t.response);
        assertEquals(HandshakeResponse.LENGTH, hex(v, "response").length);
        assertTrue(HandshakeResponse.parse(t.response, 0, t.response.length).isOk());
        assertEquals(HandshakeResponse.PAYLOAD_LENGTH, t.responsePayloadReadLength);
        assertHex(v, "response_payload", t.responsePayloadRead);
        assertEquals(index("responder_sender_index"), HandshakeResponse.decodePayload(t.responsePayloadRead));
        assertTrue(t.initiatorState.isFinished());
        assertTrue(t.responderState.isFinished());
        assertHex(v, "handshake_hash", t.initiatorState.handshakeHash());
        assertHex(v, "handshake_hash", t.responderState.handshakeHash());
        byte[] response = hex(v, "response");
        byte[] mac = new byte[Mac1.LENGTH];
        Mac1.compute(hex(v.getAsJsonObject("initiator"), "mac1_key"), response, 0, HandshakeResponse.MAC1_OFFSET,
                mac, 0);
        assertArrayEquals(Arrays.copyOfRange(response, HandshakeResponse.MAC1_OFFSET, HandshakeResponse.MAC2_OFFSET),
                mac);
    }

    /**
     * The CookieReply of spec §4.5 for the vector's initiation: es from either side, reply_key,
     * and the whole packet, made by the responder's code with the vector's secret and nonce; the
     * initiator's code takes it and keys mac2 with its cookie.
     */
    @Test
    void cookieReply() throws Exception {
        Transcript t = run();
        byte[] initiation = hex(v, "initiation");
        byte[] ephemeral = Arrays.copyOfRange(initiation, HandshakeInitiation.EPHEMERAL_OFFSET,
                HandshakeInitiation.EPHEMERAL_OFFSET + HandshakeInitiation.EPHEMERAL_LENGTH);
        byte[] esResponder = new byte[32];
        X25519Function.INSTANCE.dh(t.responder.x25519PrivateKey(), ephemeral, esResponder, 0);
        byte[] esInitiator = new byte[32];
        X25519Function.INSTANCE.dh(t.initiatorEphemeral.privateKey(), t.responder.x25519PublicKey(), esInitiator, 0);
        assertHex(v, "cookie_es", esResponder);
        assertHex(v, "cookie_es", esInitiator);
        byte[] replyKey = CookieReplyKey.derive(esResponder, ephemeral);
        assertHex(v, "cookie_reply_key", replyKey);
        Handshakes responderSide = new Handshakes(t.responderStatic, t.responder.publicKey(), b -> { }, new Counters());
        assertHex(v, "cookie_reply_key", responderSide.cookieReplyKey(initiation, 0));

        // The responder's secret R and the reply's nonce are the vector's inputs.
        byte[] secret = hex(inputs, "cookie_secret");
        byte[] nonce = hex(inputs, "cookie_reply_nonce");
        CookieChecker checker = new CookieChecker(t.responder.publicKey(),
                b -> System.arraycopy(b.length == secret.length ? secret : nonce, 0, b, 0, b.length));
        InetAddress source = InetAddress.getByName(inputs.get("cookie_source_address").getAsString());
        int port = inputs.get("cookie_source_port").getAsInt();
        byte[] reply = new byte[CookieReply.LENGTH];
        checker.createReply(reply, 0, index("initiator_sender_index"), initiation, 0, initiation.length, source,
                port, replyKey, 0);
        assertHex(v, "cookie_reply", reply);

        CookieGenerator generator = new CookieGenerator(t.responder.publicKey());
        byte[] copy = initiation.clone();
        generator.addInitiationMacs(copy, 0, copy.length, replyKey, 0);
        assertArrayEquals(initiation, copy, "same mac1; no cookie yet, so mac2 is zero");
        assertEquals(CookieResult.ACCEPTED, generator.consumeReply(hex(v, "cookie_reply"), 0, CookieReply.LENGTH, 1));
        generator.addMacs(copy, 0, copy.length, 2);
        assertHex(v, "initiation_mac2_with_cookie", Arrays.copyOfRange(copy, HandshakeInitiation.MAC2_OFFSET,
                HandshakeInitiation.LENGTH));
        assertTrue(checker.checkMac2(copy, 0, copy.length, source, port, 2), "the responder accepts that mac2");
    }

    /** Seals a TransportData packet as Endpoint does: header as associated data, counter as nonce. */
    private static byte[] seal(CipherState cs, int receiverIndex, long counter, byte[] plaintext) throws Exception {
        byte[] packet = new byte[TransportData.OVERHEAD + plaintext.length];
        TransportData.writeHeader(packet, 0, receiverIndex, counter);
        cs.encrypt(counter, packet, 0, TransportData.HEADER_LENGTH, plaintext, 0, plaintext.length, packet,
                TransportData.HEADER_LENGTH);
        return packet;
    }

    private static byte[] open(CipherState cs, byte[] packet) throws Exception {
        long counter = TransportData.parseHeader(packet, 0, packet.length).value().counter();
        byte[] out = new byte[packet.length - TransportData.OVERHEAD];
        int n = cs.decrypt(counter, packet, 0, TransportData.HEADER_LENGTH, packet, TransportData.HEADER_LENGTH,
                packet.length - TransportData.HEADER_LENGTH, out, 0);
        return Arrays.copyOf(out, n);
    }

    @Test
    void transportPackets() throws Exception {
        Transcript t = run();
        JsonObject toResponder = inputs.getAsJsonObject("transport_initiator_to_responder");
        JsonObject toInitiator = inputs.getAsJsonObject("transport_responder_to_initiator");

        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        byte[] frames = new byte[Frames.datagramLength(hello.length)];
        assertEquals(frames.length, Frames.writeDatagram(frames, 0, hello, 0, hello.length));
        assertHex(toResponder, "plaintext", frames);

        long c1 = toResponder.get("counter").getAsLong();
        long c2 = toInitiator.get("counter").getAsLong();
        int idx1 = (int) Long.parseLong(toResponder.get("receiver_index").getAsString(), 16);
        int idx2 = (int) Long.parseLong(toInitiator.get("receiver_index").getAsString(), 16);
        assertEquals(index("responder_sender_index"), idx1);
        assertEquals(index("initiator_sender_index"), idx2);

        byte[] p1 = seal(t.initiatorKeys.sender(), idx1, c1, frames);
        byte[] p2 = seal(t.responderKeys.sender(), idx2, c2, new byte[0]);
        assertHex(v, "transport_initiator_to_responder", p1);
        assertHex(v, "transport_responder_to_initiator", p2);
        assertEquals(TransportData.OVERHEAD, p2.length); // a keepalive

        // Each side opens the other's vector packet.
        assertArrayEquals(frames, open(t.responderKeys.receiver(), hex(v, "transport_initiator_to_responder")));
        assertArrayEquals(new byte[0], open(t.initiatorKeys.receiver(), hex(v, "transport_responder_to_initiator")));
        assertEquals(null, Frames.validate(frames, 0, frames.length));

        // Split() gave exactly the vector's keys: a CipherState keyed with the vector key seals the same bytes.
        NoiseProtocol protocol = Suites.protocol(CipherSuite.AESGCM_SHA256);
        CipherState k1 = new CipherState(protocol.cipher());
        k1.initializeKey(hex(v, "transport_key_initiator_to_responder"));
        CipherState k2 = new CipherState(protocol.cipher());
        k2.initializeKey(hex(v, "transport_key_responder_to_initiator"));
        assertHex(v, "transport_initiator_to_responder", seal(k1, idx1, c1, frames));
        assertHex(v, "transport_responder_to_initiator", seal(k2, idx2, c2, new byte[0]));
        byte[] probe = new byte[40];
        // (The JDK refuses to encrypt twice under one key and nonce, so each CipherState seals a nonce once.)
        for (long c : new long[] {1, 7, 1L << 40}) {
            byte[] expected1 = seal(k1, idx1, c, probe);
            byte[] expected2 = seal(k2, idx2, c, probe);
            assertArrayEquals(expected1, seal(t.initiatorKeys.initiatorToResponder(), idx1, c, probe));
            assertArrayEquals(expected1, seal(t.responderKeys.initiatorToResponder(), idx1, c, probe));
            assertArrayEquals(expected2, seal(t.initiatorKeys.responderToInitiator(), idx2, c, probe));
            assertArrayEquals(expected2, seal(t.responderKeys.responderToInitiator(), idx2, c, probe));
        }
    }

    // ------------------------------------------------------------------ the engine accepts the vector

    /** Any monotonic origin will do: the engine's {@code now} is the caller's (spec §6.7). */
    private static final long NOW = 1_000_000_000L;

    /**
     * The responder's random draws, scripted from the vector: the 4-byte draw is its local index
     * (the ResponsePayload sender_index), the 32-byte draw its ephemeral private key. Each is given
     * once; any other draw fails the test, so the engine cannot quietly use other randomness.
     */
    private static RandomSource responderRandom() {
        List<byte[]> left = new ArrayList<>(List.of(hex(inputs, "responder_sender_index"),
                hex(inputs, "responder_ephemeral_private")));
        return out -> {
            byte[] next = left.stream().filter(b -> b.length == out.length).findFirst()
                    .orElseThrow(() -> new AssertionError("unexpected random draw of " + out.length + " bytes"));
            left.remove(next);
            System.arraycopy(next, 0, out, 0, out.length);
        };
    }

    /** A responder engine with the vector's identity, wall clock at the vector's timestamp. */
    private static Endpoint responderEngine() throws Exception {
        long unixNanos = Long.parseLong(inputs.get("timestamp_unix_nanos").getAsString());
        return new Endpoint(EngineConfig.builder(Mp2pIdentity.fromSeed(hex(inputs, "responder_ed25519_seed")))
                .random(responderRandom()).wallClock(() -> unixNanos).build());
    }

    private static InetSocketAddress initiationSource() throws Exception {
        return new InetSocketAddress(InetAddress.getByName(inputs.get("cookie_source_address").getAsString()),
                inputs.get("cookie_source_port").getAsInt());
    }

    /**
     * The vector's initiation is a packet a real responder accepts, through the normal receive
     * path: no drop, one response to the reply group, byte for byte the vector's response; then the
     * vector's first transport packet opens on the session it made.
     */
    @Test
    void responderEngineAcceptsTheVector() throws Exception {
        InetSocketAddress replyGroup = new InetSocketAddress(
                InetAddress.getByName(inputs.get("reply_address").getAsString()), inputs.get("reply_port").getAsInt());
        assertTrue(GroupAddresses.isMp2pGroup(replyGroup.getAddress()), "the vector's reply address is an mp2p group");

        Endpoint responder = responderEngine();
        byte[] initiation = hex(v, "initiation");
        responder.handleDatagram(initiation, 0, initiation.length, initiationSource(), NOW);
        EngineMetrics m = responder.metrics();
        assertEquals(0, m.totalDrops(), () -> "drops: " + m.dropsByReason());
        assertEquals(1, m.handshakesCompleted());
        Transmit response = responder.pollTransmit();
        assertNotNull(response, "the responder answered");
        assertEquals(replyGroup, response.destination());
        assertHex(v, "response", Arrays.copyOf(response.data(), response.length()));
        assertEquals(null, responder.pollTransmit());

        byte[] transport = hex(v, "transport_initiator_to_responder");
        responder.handleDatagram(transport, 0, transport.length, initiationSource(), NOW + 1);
        assertEquals(0, responder.metrics().totalDrops(), () -> "drops: " + responder.metrics().dropsByReason());
        PeerKey initiator = Mp2pIdentity.fromSeed(hex(inputs, "initiator_ed25519_seed")).publicKey();
        boolean delivered = false;
        for (EngineEvent e; (e = responder.pollEvent()) != null; ) {
            if (e instanceof EngineEvent.MessageReceived r) {
                assertEquals(initiator, r.peer());
                assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), r.message());
                delivered = true;
            }
        }
        assertTrue(delivered, "the vector's transport packet delivered 'hello'");
        responder.destroy();
    }

    /**
     * Control for the test above: the same handshake with the vector's former reply address
     * 224.0.230.7, which is not an mp2p group, is refused (spec §4.2) and gets no answer.
     */
    @Test
    void responderEngineRefusesAReplyAddressOutsideTheMp2pGroups() throws Exception {
        String notMp2p = "224.0.230.7";
        assertFalse(GroupAddresses.isMp2pGroup(InetAddress.getByName(notMp2p)));
        byte[] initiation = run(notMp2p).initiation;
        Endpoint responder = responderEngine();
        responder.handleDatagram(initiation, 0, initiation.length, initiationSource(), NOW);
        assertEquals(1, responder.metrics().drops(DropReason.BAD_PAYLOAD));
        assertEquals(1, responder.metrics().totalDrops());
        assertEquals(null, responder.pollTransmit());
        responder.destroy();
    }
}
