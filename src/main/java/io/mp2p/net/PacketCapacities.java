package io.mp2p.net;

import java.net.DatagramPacket;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * How many bytes a {@link DatagramPacket} can receive. The JDK keeps that capacity in a private field that a
 * received datagram does not shrink, while {@code setLength}, the only public way to report a received length,
 * shrinks it too. Code that reuses one packet for many receives (most code) would then see later datagrams cut to
 * the first one's length. So the capacity a packet had before we set its length is remembered here, and used again
 * as long as the caller has not changed the packet (its buffer, offset or length) since.
 */
final class PacketCapacities {
    private record Seen(byte[] data, int offset, int capacity, int lengthSet) {
    }

    private final Map<DatagramPacket, Seen> seen = new WeakHashMap<>();

    /** The capacity for the next receive into {@code p}. */
    synchronized int capacity(DatagramPacket p) {
        Seen s = seen.get(p);
        if (s != null && s.data() == p.getData() && s.offset() == p.getOffset() && s.lengthSet() == p.getLength()) {
            return s.capacity();
        }
        return p.getLength();
    }

    /** Records that a receive into {@code p}, whose capacity was {@code capacity}, set its length. */
    synchronized void received(DatagramPacket p, int capacity) {
        seen.put(p, new Seen(p.getData(), p.getOffset(), capacity, p.getLength()));
    }
}
