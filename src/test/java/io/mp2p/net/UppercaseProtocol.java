package io.mp2p.net;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A tutorial-style UDP request/response program, written against {@code java.net.DatagramSocket} and nothing else
 * (the kind found in Java tutorials and the JDK's own tests): the server answers each datagram with its text in
 * upper case, reusing one packet for every receive; the client sends a question and waits for the answer. The tests
 * run it unchanged over plain sockets and over mp2p sockets.
 */
final class UppercaseProtocol {
    static final int BUFFER = 2048;
    static final int TIMEOUT_MILLIS = 5000;

    private UppercaseProtocol() {
    }

    /** Answers until the socket is closed. */
    static void serve(DatagramSocket socket) {
        byte[] buf = new byte[BUFFER];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        try {
            while (true) {
                socket.receive(packet);
                String text = new String(packet.getData(), packet.getOffset(), packet.getLength(),
                        StandardCharsets.UTF_8);
                byte[] answer = text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            }
        } catch (SocketException closed) {
            // The test closed the socket: the server is done.
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Sends {@code question} to {@code server} and returns the reply's packet. */
    static DatagramPacket ask(DatagramSocket socket, SocketAddress server, String question, int replyBuffer)
            throws IOException {
        byte[] q = question.getBytes(StandardCharsets.UTF_8);
        socket.send(server == null ? new DatagramPacket(q, q.length) : new DatagramPacket(q, q.length, server));
        socket.setSoTimeout(TIMEOUT_MILLIS);
        DatagramPacket reply = new DatagramPacket(new byte[replyBuffer], replyBuffer);
        socket.receive(reply);
        return reply;
    }

    static String text(DatagramPacket p) {
        return new String(p.getData(), p.getOffset(), p.getLength(), StandardCharsets.UTF_8);
    }
}
