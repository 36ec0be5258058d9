package io.mp2p.portmap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The HTTP a UPnP-IGD client needs (spec/PORTMAP.md §5): one HTTP/1.0 request per connection to the
 * gateway, over a plain socket so that every wait is cut to the {@link Deadline} and the response is
 * bounded ({@link #MAX_RESPONSE_BYTES}). No proxy, no redirects, no host but the gateway.
 */
final class UpnpHttp {
    /** The largest response read: a router's description is a few KB; anything larger is refused. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    static final int HTTP_OK = 200;
    /** UPnP control errors (SOAP faults) come with status 500 (UDA 2.0 §3.2.2). */
    static final int HTTP_SERVER_ERROR = 500;
    private static final int BUFFER = 4096;
    private static final String CRLF = "\r\n";
    private static final String HEADER_END = "\r\n\r\n";

    /** A response: status and body (headers are checked here and then dropped). */
    record Response(int status, byte[] body, InetAddress localAddress) {
    }

    private UpnpHttp() {
    }

    /** GET {@code url} (whose host the caller has checked is the gateway). */
    static Response get(URI url, Deadline d) throws PortMapException {
        return exchange(url, "GET", null, null, d);
    }

    /** POST a SOAP {@code body} with its {@code soapAction} header to {@code url}. */
    static Response post(URI url, String soapAction, byte[] body, Deadline d) throws PortMapException {
        return exchange(url, "POST", soapAction, body, d);
    }

    private static Response exchange(URI url, String method, String soapAction, byte[] body, Deadline d)
            throws PortMapException {
        int port = url.getPort() < 0 ? 80 : url.getPort();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        StringBuilder head = new StringBuilder().append(method).append(' ').append(path).append(" HTTP/1.0").append(CRLF)
                .append("Host: ").append(url.getRawAuthority()).append(CRLF)
                .append("Connection: close").append(CRLF);
        if (body != null) {
            head.append("Content-Type: text/xml; charset=\"utf-8\"").append(CRLF)
                    .append("SOAPAction: \"").append(soapAction).append('"').append(CRLF)
                    .append("Content-Length: ").append(body.length).append(CRLF);
        }
        head.append(CRLF);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(url.getHost()), port), d.require("TCP connection to "
                    + url.getRawAuthority()));
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            byte[] raw = readBounded(s, d);
            return parse(raw, s.getLocalAddress());
        } catch (SocketTimeoutException e) {
            throw new PortMapException(PortMapException.Reason.NO_RESPONSE, "UPnP-IGD: " + url
                    + " did not answer within " + UpnpIgdClient.GIVE_UP_MILLIS + " ms", e);
        } catch (IOException e) {
            throw new PortMapException(PortMapException.Reason.IO, "UPnP-IGD: " + method + " " + url + ": "
                    + e.getMessage(), e);
        }
    }

    private static byte[] readBounded(Socket s, Deadline d) throws IOException, PortMapException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[BUFFER];
        while (true) {
            s.setSoTimeout(d.require("complete HTTP response"));
            int n = in.read(buf);
            if (n < 0) {
                return got.toByteArray();
            }
            if (got.size() + n > MAX_RESPONSE_BYTES) {
                throw new PortMapException(PortMapException.Reason.TOO_LARGE, "UPnP-IGD: the gateway's HTTP response"
                        + " exceeds " + MAX_RESPONSE_BYTES + " bytes; refused");
            }
            got.write(buf, 0, n);
        }
    }

    static Response parse(byte[] raw, InetAddress local) throws PortMapException {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf(HEADER_END);
        if (end < 0 || !text.startsWith("HTTP/1.")) {
            throw malformed("not an HTTP response");
        }
        String[] lines = text.substring(0, end).split(CRLF);
        String[] status = lines[0].split(" ", 3);
        int code;
        try {
            code = status.length < 2 ? -1 : Integer.parseInt(status[1]);
        } catch (NumberFormatException e) {
            code = -1;
        }
        if (code < 100 || code > 599) {
            throw malformed("bad status line '" + lines[0] + "'");
        }
        int bodyStart = end + HEADER_END.length();
        int length = raw.length - bodyStart;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("transfer-encoding") && !value.equalsIgnoreCase("identity")) {
                // We asked in HTTP/1.0, which has no chunked bodies (RFC 9112 §6.1).
                throw malformed("a '" + value + "' body in answer to an HTTP/1.0 request");
            }
            if (name.equals("content-length")) {
                try {
                    length = Math.min(length, Integer.parseInt(value));
                } catch (NumberFormatException e) {
                    throw malformed("bad Content-Length '" + value + "'");
                }
            }
        }
        if (length < 0) {
            throw malformed("negative Content-Length");
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, bodyStart, bodyStart + length);
        return new Response(code, body, local);
    }

    private static PortMapException malformed(String what) {
        return new PortMapException(PortMapException.Reason.MALFORMED, "UPnP-IGD: malformed HTTP response from the"
                + " gateway: " + what);
    }
}
