package io.mp2p.engine;

import java.net.InetSocketAddress;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

import io.mp2p.identity.PeerKey;

/**
 * What the engine produced for its caller: datagrams to send, messages delivered and other events,
 * in order. Datagrams and messages live in rings of reused buffers, so the steady-state data path
 * allocates nothing here: a packet is sealed straight into a ring slot ({@link #reserve} then
 * {@link #commit}) and copied out into the caller's buffer by {@link #pollTransmit(ByteBuffer)}; a
 * message is copied into a slot and out by {@link #pollMessage(ByteBuffer)}. The allocating forms
 * ({@link #pollTransmit()}, {@link #pollEvent()} giving {@link EngineEvent.MessageReceived}) copy.
 *
 * <p>Order: a message is handed out only after every event that was produced before it, and an
 * event only after every message produced before it; the count of events produced before each
 * message keeps that order without a node per item.
 */
final class EngineOutput {
    /** Slots kept in each ring once it drains after a burst; a burst above this is reallocated. */
    private static final int RETAINED_SLOTS = 64;
    private static final int INITIAL_SLOTS = 16;

    private final Counters counters;
    private final int packetCapacity;
    private final Ring transmits = new Ring();
    private final Ring messages = new Ring();
    private InetSocketAddress[] destinations = new InetSocketAddress[INITIAL_SLOTS];
    private PeerKey[] senders = new PeerKey[INITIAL_SLOTS];
    /** For each message slot, how many events had been produced before it. */
    private long[] eventsBefore = new long[INITIAL_SLOTS];
    private final ArrayDeque<EngineEvent> events = new ArrayDeque<>();
    private long eventsProduced;
    private long eventsTaken;

    /** {@code packetCapacity}: the largest datagram the engine sends, the size of a transmit slot. */
    EngineOutput(Counters counters, int packetCapacity) {
        this.counters = counters;
        this.packetCapacity = packetCapacity;
    }

    // ------------------------------------------------------------------ datagrams

    /** The buffer the next datagram of {@code length} bytes is written into; {@link #commit} queues it. */
    byte[] reserve(int length) {
        if (transmits.full()) {
            int n = transmits.grow();
            destinations = Arrays.copyOf(destinations, n);
            rotate(destinations, transmits.lastGrowHead, n / 2);
            transmits.lastGrowHead = 0;
        }
        return transmits.tailBuffer(Math.max(length, packetCapacity));
    }

    /** Queues the datagram written into the buffer {@link #reserve} returned. */
    void commit(InetSocketAddress destination, int length) {
        counters.packetsOut++;
        counters.bytesOut += length;
        destinations[transmits.tail()] = destination;
        transmits.push(length);
    }

    /** Queues a datagram made elsewhere (handshake, cookie reply): copied into a slot. */
    void emit(InetSocketAddress destination, byte[] packet) {
        System.arraycopy(packet, 0, reserve(packet.length), 0, packet.length);
        commit(destination, packet.length);
    }

    /**
     * Copies the next datagram into {@code dst} (from its position, which it advances) and returns
     * where to send it; null if none is queued.
     *
     * @throws BufferOverflowException if {@code dst} has less room than the datagram, which stays queued
     */
    InetSocketAddress pollTransmit(ByteBuffer dst) {
        if (transmits.empty()) {
            return null;
        }
        int head = transmits.head();
        int length = transmits.headLength();
        if (dst.remaining() < length) {
            throw new BufferOverflowException();
        }
        dst.put(transmits.headBuffer(), 0, length);
        InetSocketAddress to = destinations[head];
        destinations[head] = null;
        if (transmits.pop()) {
            shrinkTransmits();
        }
        return to;
    }

    /** The next datagram as a new {@link Transmit} (a copy), or null. */
    Transmit pollTransmit() {
        if (transmits.empty()) {
            return null;
        }
        int head = transmits.head();
        byte[] copy = Arrays.copyOf(transmits.headBuffer(), transmits.headLength());
        InetSocketAddress to = destinations[head];
        destinations[head] = null;
        if (transmits.pop()) {
            shrinkTransmits();
        }
        return new Transmit(to, copy, copy.length);
    }

    /** Length of the next datagram, or -1 if none is queued. */
    int peekTransmitLength() {
        return transmits.empty() ? -1 : transmits.headLength();
    }

    private void shrinkTransmits() {
        if (transmits.shrink(RETAINED_SLOTS)) {
            destinations = new InetSocketAddress[RETAINED_SLOTS];
        }
    }

    // ------------------------------------------------------------------ messages and events

    /** An application message from {@code from}: {@code buf[off..off+len)} is copied into a slot. */
    void message(PeerKey from, byte[] buf, int off, int len) {
        if (messages.full()) {
            int n = messages.grow();
            int h = messages.lastGrowHead;
            senders = Arrays.copyOf(senders, n);
            rotate(senders, h, n / 2);
            eventsBefore = Arrays.copyOf(eventsBefore, n);
            rotateLongs(eventsBefore, h, n / 2);
            messages.lastGrowHead = 0;
        }
        System.arraycopy(buf, off, messages.tailBuffer(Math.max(len, packetCapacity)), 0, len);
        int tail = messages.tail();
        senders[tail] = from;
        eventsBefore[tail] = eventsProduced;
        messages.push(len);
    }

    void event(EngineEvent e) {
        events.addLast(e);
        eventsProduced++;
    }

    /** Whether the next output, in order, is a message. */
    private boolean messageNext() {
        return !messages.empty() && eventsBefore[messages.head()] - eventsTaken <= 0;
    }

    /**
     * If the next output is a message, copies it into {@code dst} (from its position, which it
     * advances) and returns its sender; else null (an event may be next: see {@link #pollEvent()}).
     *
     * @throws BufferOverflowException if {@code dst} has less room than the message, which stays queued
     */
    PeerKey pollMessage(ByteBuffer dst) {
        if (!messageNext()) {
            return null;
        }
        int length = messages.headLength();
        if (dst.remaining() < length) {
            throw new BufferOverflowException();
        }
        dst.put(messages.headBuffer(), 0, length);
        return popMessage();
    }

    /** The next output: an event, or a message as a new {@link EngineEvent.MessageReceived} (a copy); null if none. */
    EngineEvent pollEvent() {
        if (messageNext()) {
            byte[] copy = Arrays.copyOf(messages.headBuffer(), messages.headLength());
            return new EngineEvent.MessageReceived(popMessage(), copy);
        }
        EngineEvent e = events.pollFirst();
        if (e != null) {
            eventsTaken++;
        }
        return e;
    }

    private PeerKey popMessage() {
        int head = messages.head();
        PeerKey from = senders[head];
        senders[head] = null;
        if (messages.pop() && messages.shrink(RETAINED_SLOTS)) {
            senders = new PeerKey[RETAINED_SLOTS];
            eventsBefore = new long[RETAINED_SLOTS];
        }
        return from;
    }

    /** Zeroes every slot: they hold plaintexts delivered (and the last ciphertexts sent). */
    void wipe() {
        messages.wipe();
        transmits.wipe();
    }

    /** Moves a grown array's first {@code n} elements, a ring starting at {@code head}, into order. */
    private static <T> void rotate(T[] a, int head, int n) {
        T[] copy = Arrays.copyOf(a, n);
        for (int i = 0; i < n; i++) {
            a[i] = copy[(head + i) % n];
        }
    }

    private static void rotateLongs(long[] a, int head, int n) {
        long[] copy = Arrays.copyOf(a, n);
        for (int i = 0; i < n; i++) {
            a[i] = copy[(head + i) % n];
        }
    }

    /**
     * A FIFO ring of reused byte buffers with a length each. Indices are masked (a power-of-two
     * capacity); {@link #grow} puts the items in order from slot 0 and tells the caller where the
     * head was, so that parallel arrays can follow.
     */
    private static final class Ring {
        private byte[][] buffers = new byte[INITIAL_SLOTS][];
        private int[] lengths = new int[INITIAL_SLOTS];
        private int head;
        private int count;
        int lastGrowHead;

        boolean empty() {
            return count == 0;
        }

        boolean full() {
            return count == buffers.length;
        }

        int head() {
            return head;
        }

        int tail() {
            return (head + count) & (buffers.length - 1);
        }

        byte[] headBuffer() {
            return buffers[head];
        }

        int headLength() {
            return lengths[head];
        }

        /** The tail slot's buffer, made or enlarged to at least {@code capacity} bytes. */
        byte[] tailBuffer(int capacity) {
            int t = tail();
            byte[] b = buffers[t];
            if (b == null || b.length < capacity) {
                b = new byte[capacity];
                buffers[t] = b;
            }
            return b;
        }

        void push(int length) {
            lengths[tail()] = length;
            count++;
        }

        /** Removes the head; true if the ring is now empty. */
        boolean pop() {
            head = (head + 1) & (buffers.length - 1);
            count--;
            if (count == 0) {
                head = 0;
                return true;
            }
            return false;
        }

        /** Doubles the capacity, items in order from slot 0; returns the new capacity. */
        int grow() {
            int n = buffers.length;
            byte[][] b = new byte[n * 2][];
            int[] l = new int[n * 2];
            for (int i = 0; i < n; i++) {
                b[i] = buffers[(head + i) & (n - 1)];
                l[i] = lengths[(head + i) & (n - 1)];
            }
            lastGrowHead = head;
            buffers = b;
            lengths = l;
            head = 0;
            return n * 2;
        }

        /** When empty and larger than {@code retained} slots: back to {@code retained}; true if it shrank. */
        boolean shrink(int retained) {
            if (count != 0 || buffers.length <= retained) {
                return false;
            }
            buffers = Arrays.copyOf(buffers, retained);
            lengths = new int[retained];
            head = 0;
            return true;
        }

        void wipe() {
            for (byte[] b : buffers) {
                if (b != null) {
                    Arrays.fill(b, (byte) 0);
                }
            }
        }
    }
}
