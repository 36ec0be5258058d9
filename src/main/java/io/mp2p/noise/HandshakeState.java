package io.mp2p.noise;

import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.mp2p.crypto.DhFunction;
import io.mp2p.crypto.DhKeyPair;
import io.mp2p.crypto.RandomSource;

/**
 * Noise HandshakeState (§5.3), driven by the tokens of its {@link HandshakePattern}.
 *
 * <pre>{@code
 * HandshakeState alice = HandshakeState.builder(NoiseProtocol.parse("Noise_IK_25519_AESGCM_SHA256"))
 *         .initiator(true).localStatic(aliceStatic).remoteStatic(bobPublic).random(RandomSource.secure())
 *         .build();
 * byte[] msg = new byte[alice.nextMessageOverhead() + payload.length];
 * int n = alice.writeMessage(payload, 0, payload.length, msg, 0);
 * // ... bob.readMessage(msg, 0, n, buf, 0); bob writes the reply; alice reads it
 * CipherStatePair keys = alice.split();
 * }</pre>
 *
 * <p>After a failed {@link #readMessage} (bad tag, truncated, low-order key) the state is unusable:
 * further calls throw {@link IllegalStateException}. To try a message that may be forged without
 * losing the handshake, read it on a {@link #copy()}. Not thread-safe.
 */
public final class HandshakeState {
    /** Largest Noise message (§3). */
    public static final int MAX_MESSAGE_LENGTH = 65_535;

    private final NoiseProtocol protocol;
    private final HandshakePattern pattern;
    private final DhFunction dh;
    private final boolean initiator;
    private final RandomSource random;
    private final DhKeyPair s;
    private DhKeyPair e;
    private byte[] rs;
    private byte[] re;
    private final List<byte[]> psks;
    private final KnownSecrets known;
    private int pskUsed;
    private SymmetricState symmetric;
    private int messageIndex;
    private boolean failed;
    private boolean destroyed;

    private HandshakeState(Builder b) throws NoiseException {
        this.protocol = b.protocol;
        this.pattern = b.protocol.pattern();
        this.dh = b.protocol.dh();
        this.initiator = b.initiator;
        this.random = b.random;
        this.s = b.localStatic;
        this.e = b.localEphemeral == null ? null : b.localEphemeral.copy();
        this.rs = b.remoteStatic == null ? null : b.remoteStatic.clone();
        this.known = b.knownSecrets;
        this.psks = new ArrayList<>();
        for (byte[] p : b.psks) {
            this.psks.add(p.clone());
        }
        if (psks.size() != pattern.pskCount()) {
            throw new IllegalArgumentException(pattern.name() + " needs " + pattern.pskCount() + " PSKs, got " + psks.size());
        }
        boolean needLocalStatic = needsLocalStatic();
        if (needLocalStatic && s == null) {
            throw new IllegalArgumentException(pattern.name() + " needs a local static key for the "
                    + (initiator ? "initiator" : "responder"));
        }
        boolean remotePre = initiator ? pattern.responderPreStatic() : pattern.initiatorPreStatic();
        if (remotePre && rs == null) {
            throw new IllegalArgumentException(pattern.name() + " needs the remote static key beforehand");
        }
        this.symmetric = new SymmetricState(protocol.name(), protocol.hash(), protocol.cipher());
        symmetric.mixHash(b.prologue);
        // Pre-messages (§7.1): the initiator's key first, then the responder's.
        if (pattern.initiatorPreStatic()) {
            symmetric.mixHash(initiator ? s.publicKey() : rs);
        }
        if (pattern.responderPreStatic()) {
            symmetric.mixHash(initiator ? rs : s.publicKey());
        }
    }

    private HandshakeState(HandshakeState o) {
        this.protocol = o.protocol;
        this.pattern = o.pattern;
        this.dh = o.dh;
        this.initiator = o.initiator;
        this.random = o.random;
        this.s = o.s;
        this.e = o.e == null ? null : o.e.copy();
        this.rs = o.rs == null ? null : o.rs.clone();
        this.re = o.re == null ? null : o.re.clone();
        this.known = o.known;
        this.psks = new ArrayList<>();
        for (byte[] p : o.psks) {
            this.psks.add(p.clone());
        }
        this.pskUsed = o.pskUsed;
        this.symmetric = o.symmetric.copy();
        this.messageIndex = o.messageIndex;
        this.failed = o.failed;
    }

    private boolean needsLocalStatic() {
        if (initiator ? pattern.initiatorPreStatic() : pattern.responderPreStatic()) {
            return true;
        }
        for (int i = initiator ? 0 : 1; i < pattern.messageCount(); i += 2) {
            if (Arrays.asList(pattern.tokens(i)).contains(Token.S)) {
                return true;
            }
        }
        return false;
    }

    /** Starts building a handshake for {@code protocol}. */
    public static Builder builder(NoiseProtocol protocol) {
        return new Builder(protocol);
    }

    /** An independent copy (its own keys and transcript), sharing only the caller's static key. */
    public HandshakeState copy() {
        checkUsable();
        return new HandshakeState(this);
    }

    /** True once every handshake message has been written or read: {@link #split()} may be called. */
    public boolean isFinished() {
        return messageIndex >= pattern.messageCount();
    }

    /** True if the next message is ours to write. */
    public boolean isMyTurnToWrite() {
        return !isFinished() && ((messageIndex % 2 == 0) == initiator);
    }

    /** Bytes the next message adds to its payload (keys, tags): size buffers with it. */
    public int nextMessageOverhead() {
        if (isFinished()) {
            return 0;
        }
        boolean hasKey = symmetric.hasKey();
        int n = 0;
        for (Token t : pattern.tokens(messageIndex)) {
            switch (t) {
                case E -> n += dh.dhLen();
                case S -> n += dh.dhLen() + (hasKey ? CipherState.TAG_LENGTH : 0);
                case EE, ES, SE, SS, PSK -> hasKey = true;
                default -> throw new AssertionError(t);
            }
        }
        return n + (hasKey ? CipherState.TAG_LENGTH : 0);
    }

    /**
     * WriteMessage(payload, message_buffer).
     *
     * @return bytes written to {@code out}
     */
    public int writeMessage(byte[] payload, int off, int len, byte[] out, int outOff) throws NoiseException {
        checkUsable();
        if (!isMyTurnToWrite()) {
            throw new IllegalStateException(isFinished() ? "the handshake is finished" : "it is the peer's turn to write");
        }
        int total = nextMessageOverhead() + len;
        if (total > MAX_MESSAGE_LENGTH) {
            throw new MessageTooLongException("a handshake message of " + total + " bytes exceeds " + MAX_MESSAGE_LENGTH);
        }
        if (out.length - outOff < total) {
            throw new OutputBufferTooSmallException("output needs " + total + " bytes, has " + (out.length - outOff));
        }
        int p = outOff;
        for (Token t : pattern.tokens(messageIndex)) {
            switch (t) {
                case E -> {
                    if (e == null) {
                        e = dh.generateKeyPair(random);
                    }
                    byte[] pub = e.publicKey();
                    System.arraycopy(pub, 0, out, p, pub.length);
                    p += pub.length;
                    symmetric.mixHash(pub);
                    if (pattern.usesPsk()) {
                        symmetric.mixKey(pub);
                    }
                }
                case S -> {
                    byte[] pub = s.publicKey();
                    p += symmetric.encryptAndHash(pub, 0, pub.length, out, p);
                }
                case EE, ES, SE, SS -> mixDh(t);
                case PSK -> symmetric.mixKeyAndHash(psks.get(pskUsed++));
                default -> throw new AssertionError(t);
            }
        }
        p += symmetric.encryptAndHash(payload, off, len, out, p);
        messageIndex++;
        return p - outOff;
    }

    /**
     * ReadMessage(message, payload_buffer).
     *
     * @return payload bytes written to {@code payloadOut}
     */
    public int readMessage(byte[] msg, int off, int len, byte[] payloadOut, int outOff) throws NoiseException {
        checkUsable();
        if (isFinished() || isMyTurnToWrite()) {
            throw new IllegalStateException(isFinished() ? "the handshake is finished" : "it is our turn to write");
        }
        if (len > MAX_MESSAGE_LENGTH) {
            failed = true;
            throw new MessageTooLongException("a handshake message of " + len + " bytes exceeds " + MAX_MESSAGE_LENGTH);
        }
        try {
            int p = off;
            int end = off + len;
            for (Token t : pattern.tokens(messageIndex)) {
                switch (t) {
                    case E -> {
                        p = need(p, end, dh.dhLen(), "an ephemeral key");
                        re = Arrays.copyOfRange(msg, p - dh.dhLen(), p);
                        symmetric.mixHash(re);
                        if (pattern.usesPsk()) {
                            symmetric.mixKey(re);
                        }
                    }
                    case S -> {
                        int n = dh.dhLen() + (symmetric.hasKey() ? CipherState.TAG_LENGTH : 0);
                        p = need(p, end, n, "a static key");
                        byte[] key = new byte[dh.dhLen()];
                        symmetric.decryptAndHash(msg, p - n, n, key, 0);
                        rs = key;
                    }
                    case EE, ES, SE, SS -> mixDh(t);
                    case PSK -> symmetric.mixKeyAndHash(psks.get(pskUsed++));
                    default -> throw new AssertionError(t);
                }
            }
            int remaining = end - p;
            if (symmetric.hasKey() && remaining < CipherState.TAG_LENGTH) {
                throw new TruncatedMessageException("the payload is shorter than its " + CipherState.TAG_LENGTH + "-byte tag");
            }
            int payloadLength = remaining - (symmetric.hasKey() ? CipherState.TAG_LENGTH : 0);
            if (payloadOut.length - outOff < payloadLength) {
                throw new OutputBufferTooSmallException("payload needs " + payloadLength + " bytes, has "
                        + (payloadOut.length - outOff));
            }
            int n = symmetric.decryptAndHash(msg, p, remaining, payloadOut, outOff);
            messageIndex++;
            return n;
        } catch (NoiseException ex) {
            failed = true;
            throw ex;
        }
    }

    private static int need(int p, int end, int n, String what) throws TruncatedMessageException {
        if (end - p < n) {
            throw new TruncatedMessageException("the message ends before " + what + " (" + n + " bytes needed, "
                    + Math.max(0, end - p) + " left)");
        }
        return p + n;
    }

    private void mixDh(Token t) throws NoiseException {
        // ES is DH(e, rs) for the initiator and DH(s, re) for the responder; SE the other way round.
        byte[] priv;
        byte[] pub;
        switch (t) {
            case EE -> {
                priv = e.privateKey();
                pub = re;
            }
            case SS -> {
                priv = s.privateKey();
                pub = rs;
            }
            case ES -> {
                priv = initiator ? e.privateKey() : s.privateKey();
                pub = initiator ? rs : re;
            }
            case SE -> {
                priv = initiator ? s.privateKey() : e.privateKey();
                pub = initiator ? re : rs;
            }
            default -> throw new AssertionError(t);
        }
        byte[] shared = new byte[dh.dhLen()];
        try {
            if (known == null || !known.lookup(t, pub, shared)) {
                dh.dh(priv, pub, shared, 0);
                if (known != null) {
                    known.computed(t, pub, shared);
                }
            }
            symmetric.mixKey(shared);
        } catch (InvalidKeyException ex) {
            throw new InvalidPublicKeyException(ex.getMessage(), ex);
        } finally {
            Arrays.fill(shared, (byte) 0);
        }
    }

    /** Split(): the transport keys. Only when {@link #isFinished()}. */
    public CipherStatePair split() {
        checkUsable();
        if (!isFinished()) {
            throw new IllegalStateException("the handshake is not finished");
        }
        CipherState[] pair = symmetric.split();
        return new CipherStatePair(pair[0], pair[1], initiator);
    }

    /** The handshake hash h: a unique, secret-free name for this handshake (channel binding). */
    public byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    /** The peer's static public key, once known (a copy), else null. */
    public byte[] remoteStaticPublicKey() {
        return rs == null ? null : rs.clone();
    }

    public boolean isInitiator() {
        return initiator;
    }

    public NoiseProtocol protocol() {
        return protocol;
    }

    /** Zeroes the ephemeral private key, the PSKs and the symmetric state (not the caller's static key). */
    public void destroy() {
        destroyed = true;
        if (e != null) {
            e.destroy();
        }
        for (byte[] p : psks) {
            Arrays.fill(p, (byte) 0);
        }
        symmetric.destroy();
    }

    private void checkUsable() {
        if (destroyed) {
            throw new IllegalStateException("this handshake was destroyed");
        }
        if (failed) {
            throw new IllegalStateException("this handshake failed to read a message and cannot continue");
        }
    }

    /** Builds a {@link HandshakeState}. */
    public static final class Builder {
        private final NoiseProtocol protocol;
        private boolean initiator;
        private byte[] prologue = new byte[0];
        private DhKeyPair localStatic;
        private DhKeyPair localEphemeral;
        private byte[] remoteStatic;
        private final List<byte[]> psks = new ArrayList<>();
        private RandomSource random;
        private KnownSecrets knownSecrets;

        private Builder(NoiseProtocol protocol) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
        }

        public Builder initiator(boolean initiator) {
            this.initiator = initiator;
            return this;
        }

        public Builder prologue(byte[] prologue) {
            this.prologue = prologue.clone();
            return this;
        }

        /** Our static key pair; the caller keeps ownership (it is not destroyed with the handshake). */
        public Builder localStatic(DhKeyPair s) {
            this.localStatic = s;
            return this;
        }

        /** A fixed ephemeral key pair, for test vectors only: normally it is generated from the random source. */
        public Builder localEphemeral(DhKeyPair e) {
            this.localEphemeral = e;
            return this;
        }

        /** The peer's static public key, when the pattern knows it beforehand. */
        public Builder remoteStatic(byte[] rs) {
            this.remoteStatic = rs;
            return this;
        }

        /** A 32-byte pre-shared key for the next psk token (call once per token, in order). */
        public Builder psk(byte[] psk) {
            if (psk.length != 32) {
                throw new IllegalArgumentException("a PSK is 32 bytes, got " + psk.length);
            }
            psks.add(psk);
            return this;
        }

        /** DH results the caller already holds (see {@link KnownSecrets}); also told of the ones computed. */
        public Builder knownSecrets(KnownSecrets knownSecrets) {
            this.knownSecrets = knownSecrets;
            return this;
        }

        public Builder random(RandomSource random) {
            this.random = random;
            return this;
        }

        /**
         * The handshake, with prologue and pre-messages mixed in.
         *
         * @throws IllegalArgumentException if a key the pattern needs is missing
         */
        public HandshakeState build() {
            if (random == null && localEphemeral == null) {
                random = RandomSource.secure();
            }
            try {
                return new HandshakeState(this);
            } catch (NoiseException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }
}
