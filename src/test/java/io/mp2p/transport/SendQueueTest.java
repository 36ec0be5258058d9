package io.mp2p.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The send path's accounting, against a socket double whose send buffer fills and drains on command. */
class SendQueueTest {
    private static final InetSocketAddress TO = new InetSocketAddress("239.192.0.1", 41414);

    /** A socket whose buffer takes {@code room} more datagrams; records what it took, in order. */
    private static final class FakeSocket implements SendQueue.DatagramSink {
        int room;
        final List<Integer> taken = new ArrayList<>();

        @Override
        public int send(ByteBuffer datagram, InetSocketAddress destination) {
            if (room == 0) {
                return 0;
            }
            room--;
            int n = datagram.remaining();
            taken.add((int) datagram.get(datagram.position()));
            datagram.position(datagram.limit());
            return n;
        }
    }

    private static ByteBuffer datagram(int id) {
        ByteBuffer b = ByteBuffer.allocate(100);
        b.put(0, (byte) id);
        return b;
    }

    @Test
    void aFullSendBufferDefersInOrderThenTheQueueDropsAndCountsNothingIsLostSilently() throws IOException {
        FakeSocket socket = new FakeSocket();
        SendQueue q = new SendQueue(socket, 3);
        socket.room = 2;
        List<SendQueue.Result> results = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            results.add(q.send(datagram(i), TO));
        }
        assertEquals(List.of(SendQueue.Result.SENT, SendQueue.Result.SENT, SendQueue.Result.DEFERRED,
                SendQueue.Result.DEFERRED, SendQueue.Result.DEFERRED, SendQueue.Result.DROPPED,
                SendQueue.Result.DROPPED), results);
        assertEquals(2, q.sent());
        assertEquals(3, q.deferred());
        assertEquals(2, q.dropped());
        assertEquals(3, q.pendingCount());

        socket.room = 1;
        assertEquals(0, q.flush());
        assertTrue(q.hasPending(), "two still wait");
        // A new datagram queues behind the waiting ones even when the buffer has room: order is kept.
        socket.room = 10;
        assertEquals(SendQueue.Result.DEFERRED, q.send(datagram(7), TO));
        assertEquals(0, q.flush());
        assertFalse(q.hasPending());
        assertEquals(List.of(0, 1, 2, 3, 4, 7), socket.taken);
        assertEquals(6, q.sent());
        assertEquals(600, q.bytesSent());
    }

    @Test
    void seededRandomBuffersEveryDatagramIsSentOrCountedAsDropped() throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        FakeSocket socket = new FakeSocket();
        SendQueue q = new SendQueue(socket, 64);
        int attempts = 100_000;
        for (int i = 0; i < attempts; i++) {
            socket.room = random.nextInt(100) < 70 ? random.nextInt(3) : 0;
            q.send(datagram(i), TO);
            if (random.nextInt(10) == 0) {
                socket.room = random.nextInt(50);
                q.flush();
            }
        }
        assertEquals(attempts, q.sent() + q.dropped() + q.pendingCount(), "sent + dropped + waiting = attempts");
        assertTrue(q.dropped() > 0 && q.deferred() > 0, "the run exercised both paths");
        assertEquals(q.sent(), socket.taken.size());
        // Order: what the socket took is increasing (ids wrap at 256 as bytes; compare deltas).
        for (int i = 1; i < socket.taken.size(); i++) {
            int delta = (socket.taken.get(i) - socket.taken.get(i - 1)) & 0xff;
            assertTrue(delta >= 1, "sent out of order at " + i);
        }
    }

    @Test
    void aRefusedDatagramIsCountedAndDoesNotBlockTheOnesBehindIt() throws IOException {
        List<String> log = new ArrayList<>();
        boolean[] full = {true};
        SendQueue q = new SendQueue((d, to) -> {
            if (full[0]) {
                return 0;
            }
            if (to.getPort() == 1) {
                throw new PortUnreachableException("refused");
            }
            log.add(to.toString());
            d.position(d.limit());
            return 100;
        }, 10);
        q.send(datagram(0), new InetSocketAddress("127.0.0.1", 1));
        q.send(datagram(1), TO);
        full[0] = false;
        assertEquals(1, q.flush());
        assertEquals(1, q.errors());
        assertEquals(1, q.sent());
        assertFalse(q.hasPending());
        assertThrows(PortUnreachableException.class, () -> q.send(datagram(2), new InetSocketAddress("127.0.0.1", 1)));
        assertEquals(2, q.errors());
    }

    @Test
    void aDestinationOfTheOtherFamilyIsATransportErrorNotARuntimeException() {
        SendQueue q = new SendQueue((d, to) -> {
            throw new UnsupportedAddressTypeException();
        }, 10);
        TransportException e = assertThrows(TransportException.class,
                () -> q.send(datagram(0), new InetSocketAddress("ff1e::1", 41414)));
        assertTrue(e.getMessage().contains("[ff1e::1]:41414"), e.getMessage());
        assertEquals(1, q.errors());
    }
}
