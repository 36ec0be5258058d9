package io.mp2p.portmap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A PCP / NAT-PMP responder on the loopback interface, for tests: grants every UDP mapping with
 * external address 203.0.113.7 and port internal + {@link #PORT_OFFSET}, for at most {@code maxLifetime}
 * seconds, and records what it was asked.
 */
public final class FakePortMapGateway implements AutoCloseable {
    /** What the fake speaks. */
    public enum Mode { PCP, NAT_PMP_ONLY, SILENT }

    /** One request it got: protocol, internal port, requested lifetime. */
    record Request(PortMapProtocol protocol, int internalPort, long lifetime, InetAddress clientField) {
    }

    static final int PORT_OFFSET = 10_000;
    public static final byte[] EXTERNAL = {(byte) 203, 0, 113, 7};
    private static final int PCP_EPOCH = 1234;

    private final DatagramSocket socket;
    private final Mode mode;
    private final long maxLifetime;
    private final List<Request> requests = new ArrayList<>();
    private final Thread thread;

    public FakePortMapGateway(Mode mode, long maxLifetime) throws SocketException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.mode = mode;
        this.maxLifetime = maxLifetime;
        this.thread = new Thread(this::serve, "fake-gateway");
        thread.setDaemon(true);
        thread.start();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    private void serve() {
        byte[] buf = new byte[1100];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            byte[] answer = answer(buf, p.getLength());
            if (answer != null) {
                try {
                    socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        }
    }

    private byte[] answer(byte[] req, int len) {
        if (mode == Mode.SILENT) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(req, 0, len);
        int version = in.get() & 0xff;
        int op = in.get() & 0xff;
        if (version == PcpMessages.VERSION) {
            if (mode == Mode.NAT_PMP_ONLY) {
                // RFC 6887 §9: a NAT-PMP server answers a PCP request with version 0, result 1.
                return ByteBuffer.allocate(8).put((byte) 0).put((byte) (op | 0x80)).putShort((short) 1).putInt(PCP_EPOCH)
                        .array();
            }
            in.getShort();
            long lifetime = in.getInt() & 0xffffffffL;
            byte[] client = new byte[16];
            in.get(client);
            byte[] nonce = new byte[12];
            in.get(nonce);
            int protocol = in.get() & 0xff;
            in.position(in.position() + 3);
            int internal = in.getShort() & 0xffff;
            record(new Request(PortMapProtocol.PCP, internal, lifetime, PcpMessages.fromSixteen(client)));
            long granted = Math.min(lifetime, maxLifetime);
            ByteBuffer out = ByteBuffer.allocate(PcpMessages.LENGTH);
            out.put((byte) 2).put((byte) 0x81).put((byte) 0).put((byte) 0).putInt((int) granted).putInt(PCP_EPOCH)
                    .put(new byte[12]);
            out.put(nonce).put((byte) protocol).put(new byte[3]).putShort((short) internal)
                    .putShort((short) (lifetime == 0 ? 0 : internal + PORT_OFFSET));
            out.put(new byte[10]).put((byte) 0xff).put((byte) 0xff).put(EXTERNAL);
            return out.array();
        }
        if (op == NatPmpMessages.OP_EXTERNAL_ADDRESS) {
            return ByteBuffer.allocate(12).put((byte) 0).put((byte) 128).putShort((short) 0).putInt(PCP_EPOCH)
                    .put(EXTERNAL).array();
        }
        if (op == NatPmpMessages.OP_MAP_UDP && len >= 12) {
            in.getShort();
            int internal = in.getShort() & 0xffff;
            in.getShort();
            long lifetime = in.getInt() & 0xffffffffL;
            record(new Request(PortMapProtocol.NAT_PMP, internal, lifetime, null));
            long granted = Math.min(lifetime, maxLifetime);
            return ByteBuffer.allocate(16).put((byte) 0).put((byte) 129).putShort((short) 0).putInt(PCP_EPOCH)
                    .putShort((short) internal).putShort((short) (lifetime == 0 ? 0 : internal + PORT_OFFSET))
                    .putInt((int) granted).array();
        }
        return null;
    }

    private synchronized void record(Request r) {
        requests.add(r);
        notifyAll();
    }

    /** Waits (bounded) until at least {@code n} requests arrived; returns whether they did. */
    synchronized boolean awaitRequests(int n, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (requests.size() < n) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join();
    }
}
