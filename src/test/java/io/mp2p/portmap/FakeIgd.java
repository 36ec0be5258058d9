package io.mp2p.portmap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A UPnP Internet Gateway Device on the loopback interface, for tests: an SSDP responder (unicast
 * M-SEARCH on an ephemeral port) and a tiny HTTP/1.0 server for the description and SOAP control,
 * granting UDP mappings with external address 203.0.113.7. Each knob is one way a router can behave
 * (or misbehave); every request is recorded.
 */
final class FakeIgd implements AutoCloseable {
    static final String EXTERNAL = "203.0.113.7";
    static final String V1 = "urn:schemas-upnp-org:service:WANIPConnection:1";
    static final String V2 = "urn:schemas-upnp-org:service:WANIPConnection:2";
    private static final Pattern ARG = Pattern.compile("<(New[A-Za-z]+)>([^<]*)</\\1>");

    final DatagramSocket ssdp;
    final ServerSocket http;
    /** The service the description offers. */
    volatile String service = V2;
    /** LOCATION in the SSDP answer; null: this server's /rootDesc.xml. */
    volatile String location;
    /** controlURL in the description. */
    volatile String controlUrl = "/ctl/IPConn";
    /** The description's body; null: a normal one. */
    volatile byte[] description;
    /** External ports AddPortMapping refuses with 718 ConflictInMappingEntry. */
    final Set<Integer> conflicts = new HashSet<>();
    /** Refuse leases other than 0 with 725 OnlyPermanentLeasesSupported (an old IGDv1 router). */
    volatile boolean onlyPermanent;
    /** Answer no SSDP search. */
    volatile boolean ssdpSilent;
    /** Accept HTTP connections but never answer. */
    volatile boolean httpSilent;
    private final List<String> requests = new ArrayList<>();
    /** The raw M-SEARCH and SOAP bodies, by "M-SEARCH" or action name (the last of each). */
    final java.util.Map<String, String> raw = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();

    FakeIgd() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        ssdp = new DatagramSocket(new InetSocketAddress(lo, 0));
        http = new ServerSocket(0, 50, lo);
        start(this::serveSsdp);
        start(this::serveHttp);
    }

    int ssdpPort() {
        return ssdp.getLocalPort();
    }

    String base() {
        return "http://127.0.0.1:" + http.getLocalPort();
    }

    /** What was asked: "GET /path", or the SOAP action and its arguments ("AddPortMapping 41415 UDP ..."). */
    synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    private synchronized void record(String r) {
        requests.add(r);
    }

    private void start(Runnable r) {
        Thread t = new Thread(r, "fake-igd");
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    private void serveSsdp() {
        byte[] buf = new byte[2048];
        while (!ssdp.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                ssdp.receive(p);
                String req = new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII);
                if (ssdpSilent || !req.startsWith("M-SEARCH * HTTP/1.1")) {
                    continue;
                }
                record("M-SEARCH");
                raw.put("M-SEARCH", req);
                String loc = location != null ? location : base() + "/rootDesc.xml";
                byte[] answer = ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: "
                        + "urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nUSN: uuid:1::urn:schemas-upnp-org:"
                        + "device:InternetGatewayDevice:1\r\nEXT:\r\nSERVER: fake UPnP/1.1\r\nLOCATION: " + loc
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                ssdp.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serveHttp() {
        while (!http.isClosed()) {
            try (Socket s = http.accept()) {
                if (httpSilent) {
                    record("SILENT");
                    s.getInputStream().readAllBytes();   // holds the connection until the client gives up
                    continue;
                }
                handle(s);
            } catch (IOException e) {
                if (http.isClosed()) {
                    return;
                }
            }
        }
    }

    private void handle(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        String first = h.substring(0, h.indexOf("\r\n"));
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        if (first.startsWith("GET ")) {
            String path = first.split(" ")[1];
            record("GET " + path);
            respond(out, 200, path.equals("/rootDesc.xml") ? description != null ? description : rootDesc()
                    : "not here".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        String action = h.replaceAll("(?s).*SOAPAction: \"[^#]*#([A-Za-z]+)\".*", "$1");
        Matcher m = ARG.matcher(body);
        StringBuilder args = new StringBuilder(action);
        java.util.Map<String, String> a = new java.util.HashMap<>();
        while (m.find()) {
            a.put(m.group(1), m.group(2));
            args.append(' ').append(m.group(1)).append('=').append(m.group(2));
        }
        record(args.toString());
        raw.put(action, body);
        switch (action) {
            case "GetExternalIPAddress" -> ok(out, action, "<NewExternalIPAddress>" + EXTERNAL + "</NewExternalIPAddress>");
            case "AddAnyPortMapping" -> {
                if (!service.equals(V2)) {
                    fault(out, 401, "Invalid Action");
                } else {
                    ok(out, action, "<NewReservedPort>" + a.get("NewExternalPort") + "</NewReservedPort>");
                }
            }
            case "AddPortMapping" -> {
                if (conflicts.contains(Integer.parseInt(a.get("NewExternalPort")))) {
                    fault(out, 718, "ConflictInMappingEntry");
                } else if (onlyPermanent && !a.get("NewLeaseDuration").equals("0")) {
                    fault(out, 725, "OnlyPermanentLeasesSupported");
                } else {
                    ok(out, action, "");
                }
            }
            case "DeletePortMapping" -> ok(out, action, "");
            default -> fault(out, 401, "Invalid Action");
        }
    }

    private void ok(OutputStream out, String action, String inner) throws IOException {
        respond(out, 200, ("<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                + "<s:Body><u:" + action + "Response xmlns:u=\"" + service + "\">" + inner + "</u:" + action
                + "Response></s:Body></s:Envelope>").getBytes(StandardCharsets.UTF_8));
    }

    private void fault(OutputStream out, int code, String text) throws IOException {
        respond(out, 500, ("<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                + "<s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
                + "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>" + code + "</errorCode>"
                + "<errorDescription>" + text + "</errorDescription></UPnPError></detail></s:Fault></s:Body>"
                + "</s:Envelope>").getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(OutputStream out, int status, byte[] body) throws IOException {
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: text/xml\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private byte[] rootDesc() {
        return ("<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:device-1-0\"><specVersion><major>1</major>"
                + "<minor>1</minor></specVersion><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2"
                + "</deviceType><deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:2</deviceType>"
                + "<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:2</deviceType>"
                + "<serviceList><service><serviceType>" + service + "</serviceType><serviceId>urn:upnp-org:serviceId:"
                + "WANIPConn1</serviceId><controlURL>" + controlUrl + "</controlURL><eventSubURL>/evt/IPConn"
                + "</eventSubURL><SCPDURL>/WANIPCn.xml</SCPDURL></service></serviceList></device></deviceList>"
                + "</device></deviceList></device></root>").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        ssdp.close();
        http.close();
    }
}
