package io.mp2p.noise;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Noise handshake pattern (§7): pre-messages and message token lists. Patterns are table entries
 * written in the spec's own notation, so adding one is one line; {@code pskN} modifiers (§9) apply
 * to any of them.
 */
public final class HandshakePattern {
    /**
     * Base patterns in Noise notation: pre-messages before "...", messages after, separated by ";".
     * Fundamental (§7.4, §7.5) and deferred (§7.6) patterns.
     */
    private static final Map<String, String> TABLE = new HashMap<>();

    static {
        // One-way (§7.4).
        TABLE.put("N", "<- s ... -> e, es");
        TABLE.put("K", "-> s; <- s ... -> e, es, ss");
        TABLE.put("X", "<- s ... -> e, es, s, ss");
        // Interactive fundamental (§7.5).
        TABLE.put("NN", "-> e; <- e, ee");
        TABLE.put("NK", "<- s ... -> e, es; <- e, ee");
        TABLE.put("NX", "-> e; <- e, ee, s, es");
        TABLE.put("KN", "-> s ... -> e; <- e, ee, se");
        TABLE.put("KK", "-> s; <- s ... -> e, es, ss; <- e, ee, se");
        TABLE.put("KX", "-> s ... -> e; <- e, ee, se, s, es");
        TABLE.put("XN", "-> e; <- e, ee; -> s, se");
        TABLE.put("XK", "<- s ... -> e, es; <- e, ee; -> s, se");
        TABLE.put("XX", "-> e; <- e, ee, s, es; -> s, se");
        TABLE.put("IN", "-> e, s; <- e, ee, se");
        TABLE.put("IK", "<- s ... -> e, es, s, ss; <- e, ee, se");
        TABLE.put("IX", "-> e, s; <- e, ee, se, s, es");
        // Deferred (§7.6).
        TABLE.put("NK1", "<- s ... -> e; <- e, ee, es");
        TABLE.put("NX1", "-> e; <- e, ee, s; -> es");
        TABLE.put("X1N", "-> e; <- e, ee; -> s; <- se");
        TABLE.put("X1K", "<- s ... -> e, es; <- e, ee; -> s; <- se");
        TABLE.put("XK1", "<- s ... -> e; <- e, ee, es; -> s, se");
        TABLE.put("X1K1", "<- s ... -> e; <- e, ee, es; -> s; <- se");
        TABLE.put("X1X", "-> e; <- e, ee, s, es; -> s; <- se");
        TABLE.put("XX1", "-> e; <- e, ee, s; -> es, s, se");
        TABLE.put("X1X1", "-> e; <- e, ee, s; -> es, s; <- se");
        TABLE.put("K1N", "-> s ... -> e; <- e, ee; -> se");
        TABLE.put("K1K", "-> s; <- s ... -> e, es; <- e, ee; -> se");
        TABLE.put("KK1", "-> s; <- s ... -> e; <- e, ee, se, es");
        TABLE.put("K1K1", "-> s; <- s ... -> e; <- e, ee, es; -> se");
        TABLE.put("K1X", "-> s ... -> e; <- e, ee, s, es; -> se");
        TABLE.put("KX1", "-> s ... -> e; <- e, ee, se, s; -> es");
        TABLE.put("K1X1", "-> s ... -> e; <- e, ee, s; -> se, es");
        TABLE.put("I1N", "-> e, s; <- e, ee; -> se");
        TABLE.put("I1K", "<- s ... -> e, es, s; <- e, ee; -> se");
        TABLE.put("IK1", "<- s ... -> e, s; <- e, ee, se, es");
        TABLE.put("I1K1", "<- s ... -> e, s; <- e, ee, es; -> se");
        TABLE.put("I1X", "-> e, s; <- e, ee, s, es; -> se");
        TABLE.put("IX1", "-> e, s; <- e, ee, se, s; -> es");
        TABLE.put("I1X1", "-> e, s; <- e, ee, s; -> se, es");
    }

    private final String name;
    private final boolean initiatorPreStatic;
    private final boolean responderPreStatic;
    private final List<Token[]> messages;
    private final boolean psk;
    private final boolean oneWay;
    /** Counted once: a handshake asks for it each time it starts. */
    private final int pskCount;

    private HandshakePattern(String name, boolean initiatorPreStatic, boolean responderPreStatic,
                             List<Token[]> messages, boolean psk, boolean oneWay) {
        this.name = name;
        this.initiatorPreStatic = initiatorPreStatic;
        this.responderPreStatic = responderPreStatic;
        this.messages = messages;
        this.psk = psk;
        this.oneWay = oneWay;
        int n = 0;
        for (Token[] m : messages) {
            n += (int) Arrays.stream(m).filter(t -> t == Token.PSK).count();
        }
        this.pskCount = n;
    }

    /**
     * The pattern named {@code name}, e.g. "IK", "XXpsk3", "NNpsk0+psk2".
     *
     * @throws UnsupportedProtocolException if the base pattern or a modifier is unknown
     */
    public static HandshakePattern parse(String name) throws UnsupportedProtocolException {
        int i = 0;
        while (i < name.length() && (Character.isUpperCase(name.charAt(i)) || Character.isDigit(name.charAt(i)))) {
            i++;
        }
        String base = name.substring(0, i);
        String spec = TABLE.get(base);
        if (spec == null) {
            throw new UnsupportedProtocolException("unknown handshake pattern '" + base + "' in '" + name + "'");
        }
        String[] parts = spec.split("\\.\\.\\.");
        String pre = parts.length == 2 ? parts[0] : "";
        String body = parts.length == 2 ? parts[1] : parts[0];
        boolean initiatorPre = pre.contains("-> s");
        boolean responderPre = pre.contains("<- s");
        List<Token[]> messages = new ArrayList<>();
        for (String m : body.split(";")) {
            String tokens = m.strip().substring(2).strip(); // drop "->" or "<-"
            List<Token> list = new ArrayList<>();
            for (String t : tokens.split(",")) {
                list.add(Token.valueOf(t.strip().toUpperCase(Locale.ROOT)));
            }
            messages.add(list.toArray(new Token[0]));
        }
        boolean psk = false;
        String modifiers = name.substring(i);
        if (!modifiers.isEmpty()) {
            for (String mod : modifiers.split("\\+")) {
                if (!mod.matches("psk[0-9]+")) {
                    throw new UnsupportedProtocolException("unsupported pattern modifier '" + mod + "' in '" + name + "'");
                }
                int n = Integer.parseInt(mod.substring(3));
                if (n > messages.size()) {
                    throw new UnsupportedProtocolException("'" + mod + "' names message " + n + " but '" + base
                            + "' has " + messages.size());
                }
                int index = n == 0 ? 0 : n - 1;
                Token[] old = messages.get(index);
                Token[] neu = new Token[old.length + 1];
                if (n == 0) {
                    neu[0] = Token.PSK;
                    System.arraycopy(old, 0, neu, 1, old.length);
                } else {
                    System.arraycopy(old, 0, neu, 0, old.length);
                    neu[old.length] = Token.PSK;
                }
                messages.set(index, neu);
                psk = true;
            }
        }
        return new HandshakePattern(name, initiatorPre, responderPre, List.copyOf(messages), psk, base.length() == 1);
    }

    public String name() {
        return name;
    }

    /** The initiator's static key is known to the responder beforehand ("-> s" pre-message). */
    public boolean initiatorPreStatic() {
        return initiatorPreStatic;
    }

    /** The responder's static key is known to the initiator beforehand ("<- s" pre-message). */
    public boolean responderPreStatic() {
        return responderPreStatic;
    }

    public int messageCount() {
        return messages.size();
    }

    /** The tokens of message {@code i} (0-based; even messages are the initiator's). */
    public Token[] message(int i) {
        return messages.get(i).clone();
    }

    /** The tokens of message {@code i} themselves, not a copy: for {@link HandshakeState}, which only reads them. */
    Token[] tokens(int i) {
        return messages.get(i);
    }

    /** Has psk tokens: "e" then also calls MixKey (§9.2). */
    public boolean usesPsk() {
        return psk;
    }

    /** N, K, X: only the initiator sends, before and after the handshake. */
    public boolean isOneWay() {
        return oneWay;
    }

    /** How many psk tokens the pattern uses. */
    public int pskCount() {
        return pskCount;
    }

    @Override
    public String toString() {
        return name;
    }
}
