package io.mp2p.net.internal;

import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import java.util.Map;
import java.util.Set;

/**
 * The socket options of an mp2p socket. A stream has no TCP underneath, so the TCP options (TCP_NODELAY,
 * SO_KEEPALIVE, IP_TOS, SO_REUSEADDR, SO_OOBINLINE) and the buffer sizes are accepted, kept and reported back as
 * set, and change nothing: the stream layer sends at once (no Nagle), keeps sessions alive itself, and sizes its
 * windows itself. SO_TIMEOUT is honoured; SO_LINGER 0 makes {@code close} an abort (RST), as on TCP. Thread-safe.
 */
final class StreamSocketOptions {
    /** Reported as SO_RCVBUF and SO_SNDBUF until set: a hint, as on TCP, that the stream layer does not apply. */
    static final int DEFAULT_BUFFER_SIZE = 256 * 1024;
    /** SO_LINGER when off, as {@code Socket.getSoLinger} reports it. */
    static final int LINGER_OFF = -1;
    private static final int MAX_TOS = 255;

    /** The standard options by their {@link SocketOptions} id, for the typed {@code setOption(SocketOption, T)}. */
    private static final Map<SocketOption<?>, Integer> CLIENT_IDS = Map.of(
            StandardSocketOptions.TCP_NODELAY, SocketOptions.TCP_NODELAY,
            StandardSocketOptions.SO_KEEPALIVE, SocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_LINGER, SocketOptions.SO_LINGER,
            StandardSocketOptions.SO_RCVBUF, SocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_SNDBUF, SocketOptions.SO_SNDBUF,
            StandardSocketOptions.IP_TOS, SocketOptions.IP_TOS,
            StandardSocketOptions.SO_REUSEADDR, SocketOptions.SO_REUSEADDR);
    private static final Map<SocketOption<?>, Integer> SERVER_IDS = Map.of(
            StandardSocketOptions.SO_RCVBUF, SocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_REUSEADDR, SocketOptions.SO_REUSEADDR);

    private final boolean server;
    private volatile int soTimeout;
    private volatile boolean tcpNoDelay;
    private volatile boolean keepAlive;
    private volatile int linger = LINGER_OFF;
    private volatile int receiveBuffer = DEFAULT_BUFFER_SIZE;
    private volatile int sendBuffer = DEFAULT_BUFFER_SIZE;
    private volatile int trafficClass;
    private volatile boolean reuseAddress;
    private volatile boolean oobInline;

    /** {@code server}: the options of a server socket (SO_TIMEOUT, SO_RCVBUF, SO_REUSEADDR). */
    StreamSocketOptions(boolean server) {
        this.server = server;
    }

    int soTimeout() {
        return soTimeout;
    }

    /** Whether {@code close} must reset (SO_LINGER on with 0 seconds). */
    boolean abortOnClose() {
        return linger == 0;
    }

    /** {@code SocketImpl.setOption(int, Object)}. */
    void set(int id, Object value) throws SocketException {
        if (server && !SERVER_IDS.containsValue(id) && id != SocketOptions.SO_TIMEOUT) {
            throw unsupported(id);
        }
        switch (id) {
            case SocketOptions.SO_TIMEOUT -> soTimeout = atLeast(value, 0, "SO_TIMEOUT");
            case SocketOptions.TCP_NODELAY -> tcpNoDelay = bool(value, "TCP_NODELAY");
            case SocketOptions.SO_KEEPALIVE -> keepAlive = bool(value, "SO_KEEPALIVE");
            // Socket.setSoLinger passes Boolean.FALSE for off, an Integer (seconds) for on.
            case SocketOptions.SO_LINGER -> linger = value instanceof Boolean ? LINGER_OFF : Math.max(LINGER_OFF,
                    atLeast(value, Integer.MIN_VALUE, "SO_LINGER"));
            case SocketOptions.SO_RCVBUF -> receiveBuffer = atLeast(value, 1, "SO_RCVBUF");
            case SocketOptions.SO_SNDBUF -> sendBuffer = atLeast(value, 1, "SO_SNDBUF");
            case SocketOptions.IP_TOS -> trafficClass = atLeast(value, 0, "IP_TOS") & MAX_TOS;
            case SocketOptions.SO_REUSEADDR -> reuseAddress = bool(value, "SO_REUSEADDR");
            case SocketOptions.SO_OOBINLINE -> oobInline = bool(value, "SO_OOBINLINE");
            default -> throw unsupported(id);
        }
    }

    /** {@code SocketImpl.getOption(int)}, except SO_BINDADDR, which the socket answers. */
    Object get(int id) throws SocketException {
        if (server && !SERVER_IDS.containsValue(id) && id != SocketOptions.SO_TIMEOUT) {
            throw unsupported(id);
        }
        return switch (id) {
            case SocketOptions.SO_TIMEOUT -> soTimeout;
            case SocketOptions.TCP_NODELAY -> tcpNoDelay;
            case SocketOptions.SO_KEEPALIVE -> keepAlive;
            case SocketOptions.SO_LINGER -> linger == LINGER_OFF ? (Object) Boolean.FALSE : (Object) linger;
            case SocketOptions.SO_RCVBUF -> receiveBuffer;
            case SocketOptions.SO_SNDBUF -> sendBuffer;
            case SocketOptions.IP_TOS -> trafficClass;
            case SocketOptions.SO_REUSEADDR -> reuseAddress;
            case SocketOptions.SO_OOBINLINE -> oobInline;
            default -> throw unsupported(id);
        };
    }

    /** {@code SocketImpl.setOption(SocketOption, T)}: the standard options in {@link #supported()}. */
    <T> void set(SocketOption<T> name, T value) throws SocketException {
        if (name == StandardSocketOptions.SO_LINGER && value instanceof Integer i && i < 0) {
            set(SocketOptions.SO_LINGER, Boolean.FALSE);
            return;
        }
        set(idOf(name), value);
    }

    /** {@code SocketImpl.getOption(SocketOption)}. */
    @SuppressWarnings("unchecked")
    <T> T get(SocketOption<T> name) throws SocketException {
        Object v = get(idOf(name));
        if (name == StandardSocketOptions.SO_LINGER) {
            v = v instanceof Integer ? v : LINGER_OFF;
        }
        return (T) v;
    }

    Set<SocketOption<?>> supported() {
        return (server ? SERVER_IDS : CLIENT_IDS).keySet();
    }

    private int idOf(SocketOption<?> name) {
        Integer id = (server ? SERVER_IDS : CLIENT_IDS).get(name);
        if (id == null) {
            // What the JDK's own sockets throw for an option they do not have.
            throw new UnsupportedOperationException("'" + name + "' not supported by mp2p sockets");
        }
        return id;
    }

    private static int atLeast(Object value, int min, String name) {
        if (!(value instanceof Integer i)) {
            throw new IllegalArgumentException(name + " takes an Integer, got " + value);
        }
        if (i < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + i);
        }
        return i;
    }

    private static boolean bool(Object value, String name) {
        if (!(value instanceof Boolean b)) {
            throw new IllegalArgumentException(name + " takes a Boolean, got " + value);
        }
        return b;
    }

    private static SocketException unsupported(int id) {
        return new SocketException("socket option " + id + " is not supported by mp2p sockets");
    }
}
